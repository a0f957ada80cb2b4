// NS16550A UART as QEMU's hw/char/serial.c models it (QEMU virt: 0x10000000, reg-shift 0, PLIC source 10).
// Registers (offset & 7; DLAB = LCR bit 7 swaps in the divisor latch at 0 and 1):
//   0 RBR (read) / THR (write) / DLL      1 IER / DLM      2 IIR (read) / FCR (write)
//   3 LCR   4 MCR   5 LSR   6 MSR   7 SCR
// Transmission is instantaneous, so LSR.THRE/TEMT are set again right after a THR write and the
// transmit-empty interrupt fires once per write ("one-shot": reading IIR while it reports THRI clears it,
// as does the next THR write), exactly QEMU's thr_ipending. Input arrives through `pushInput`: bytes wait
// in a host-side queue until the receiver has room (QEMU's can_receive back-pressure), so nothing is lost.
// The FIFO character timeout is deterministic here: data below the trigger level is reported as a
// timeout (IIR 0xc) at once, instead of after four character times.

import type { AccessSize, Device } from './device.js';

export const UART0_BASE = 0x1000_0000;
export const UART0_SIZE = 0x100;
export const UART0_IRQ = 10;
/** The clock-frequency the device tree advertises (QEMU: 3.6864 MHz). */
export const UART_CLOCK_FREQUENCY = 3_686_400;

const RX_FIFO_SIZE = 16;

// Register offsets.
const RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
// IER bits.
const IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
// IIR values.
const IIR_NO_INT = 0x01, IIR_ID = 0x0f, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06,
  IIR_CTI = 0x0c, IIR_FE = 0xc0;
// FCR bits.
const FCR_FE = 0x01, FCR_RFR = 0x02, FCR_XFR = 0x04, FCR_ITL = 0xc0;
// LCR, MCR bits.
const LCR_DLAB = 0x80;
const MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
// LSR bits.
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_BI = 0x10, LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_INT_ANY = 0x1e;
// MSR bits.
const MSR_DCD = 0x80, MSR_DSR = 0x20, MSR_CTS = 0x10, MSR_ANY_DELTA = 0x0f;

export class Uart16550 implements Device {
  readonly name = 'uart0';
  readonly size = UART0_SIZE;
  // QEMU's serial_mm accepts 1..8-byte accesses; wider ones read the byte register zero-extended.
  readonly accessSizes: readonly AccessSize[] = [1, 2, 4, 8];

  private rbr = 0;
  private ier = 0;
  private iir = IIR_NO_INT;
  private fcr = 0;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private lsr = LSR_TEMT | LSR_THRE;
  private msr = MSR_DCD | MSR_DSR | MSR_CTS;
  private scr = 0;
  private divider = 0x0c; // 9600 baud at 1.8432 MHz, QEMU's reset value
  private thrIpending = false;
  private readonly rxFifo: number[] = [];
  /** Host input not yet accepted by the receiver. */
  private readonly input: number[] = [];

  constructor(
    private readonly transmit: (byte: number) => void,
    private readonly irq: (level: boolean) => void,
    readonly base = UART0_BASE,
  ) {}

  /** Host input (stdin, a test's script): queued, then received as the guest makes room. */
  pushInput(bytes: Uint8Array): void {
    for (const b of bytes) this.input.push(b);
    this.accept();
  }

  /** Host bytes still waiting for the receiver. */
  get queuedInput(): number {
    return this.input.length;
  }

  read(offset: number, _size: AccessSize): bigint {
    return BigInt(this.readReg(offset & 7));
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    this.writeReg(offset & 7, Number(value & 0xffn));
  }

  private readReg(reg: number): number {
    switch (reg) {
      case RBR_THR_DLL: {
        if (this.lcr & LCR_DLAB) return this.divider & 0xff;
        let ret: number;
        if (this.fcr & FCR_FE) {
          ret = this.rxFifo.length ? this.rxFifo.shift()! : 0;
          if (this.rxFifo.length === 0) this.lsr &= ~(LSR_DR | LSR_BI);
        } else {
          ret = this.rbr;
          this.lsr &= ~(LSR_DR | LSR_BI);
        }
        this.accept();
        this.updateIrq();
        return ret;
      }
      case IER_DLM:
        return this.lcr & LCR_DLAB ? (this.divider >>> 8) & 0xff : this.ier;
      case IIR_FCR: {
        const ret = this.iir;
        if ((ret & IIR_ID) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return ret;
      }
      case LCR: return this.lcr;
      case MCR: return this.mcr;
      case LSR: {
        const ret = this.lsr;
        if (this.lsr & (LSR_BI | LSR_OE)) {
          this.lsr &= ~(LSR_BI | LSR_OE);
          this.updateIrq();
        }
        return ret;
      }
      case MSR: {
        if (this.mcr & MCR_LOOP) {
          // Loopback: the modem inputs are wired to the modem outputs (DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD).
          return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5);
        }
        const ret = this.msr;
        if (this.msr & MSR_ANY_DELTA) {
          this.msr &= 0xf0;
          this.updateIrq();
        }
        return ret;
      }
      default: return this.scr;
    }
  }

  private writeReg(reg: number, v: number): void {
    switch (reg) {
      case RBR_THR_DLL:
        if (this.lcr & LCR_DLAB) { this.divider = (this.divider & 0xff00) | v; return; }
        if (this.mcr & MCR_LOOP) this.receive(v); else this.transmit(v);
        // Sent at once: THR and the shift register are empty again (THRE/TEMT never read as 0), and
        // the transmit-empty interrupt is re-armed for this write.
        this.thrIpending = true;
        this.updateIrq();
        return;
      case IER_DLM: {
        if (this.lcr & LCR_DLAB) { this.divider = (this.divider & 0x00ff) | (v << 8); return; }
        const changed = (this.ier ^ v) & 0x0f;
        this.ier = v & 0x0f;
        // Enabling THRI while THR is empty raises the interrupt even if it was consumed before (QEMU, Bochs).
        if (changed & IER_THRI) this.thrIpending = (this.ier & IER_THRI) !== 0 && (this.lsr & LSR_THRE) !== 0;
        if (changed) this.updateIrq();
        return;
      }
      case IIR_FCR: {
        let val = v;
        if ((val ^ this.fcr) & FCR_FE) val |= FCR_XFR | FCR_RFR; // toggling FIFO mode flushes both FIFOs
        if (val & FCR_RFR) {
          this.lsr &= ~(LSR_DR | LSR_BI);
          this.rxFifo.length = 0;
        }
        if (val & FCR_XFR) {
          this.lsr |= LSR_THRE;
          this.thrIpending = true;
        }
        this.fcr = val & 0xc9;
        if (this.fcr & FCR_FE) this.iir |= IIR_FE; else this.iir &= ~IIR_FE;
        this.accept();
        this.updateIrq();
        return;
      }
      case LCR: this.lcr = v; return;
      case MCR: {
        const wasLoop = (this.mcr & MCR_LOOP) !== 0;
        this.mcr = v & 0x1f;
        if (wasLoop && !(this.mcr & MCR_LOOP)) this.accept();
        return;
      }
      case LSR: return; // read-only (QEMU ignores writes)
      case MSR: return;
      default: this.scr = v; return;
    }
  }

  /** Receiver room: FIFO mode holds 16 bytes, otherwise RBR holds one. */
  private room(): number {
    if (this.fcr & FCR_FE) return RX_FIFO_SIZE - this.rxFifo.length;
    return this.lsr & LSR_DR ? 0 : 1;
  }

  /** Moves queued host input into the receiver while it has room (not while looping back). */
  private accept(): void {
    if (this.mcr & MCR_LOOP) return;
    let moved = false;
    while (this.input.length && this.room() > 0) {
      this.store(this.input.shift()!);
      moved = true;
    }
    if (moved) this.updateIrq();
  }

  /** A byte looped back from THR: overruns if the receiver is full, as real hardware does. */
  private receive(byte: number): void {
    if (this.room() === 0) {
      this.lsr |= LSR_OE;
      return;
    }
    this.store(byte);
  }

  private store(byte: number): void {
    if (this.fcr & FCR_FE) this.rxFifo.push(byte); else this.rbr = byte;
    this.lsr |= LSR_DR;
  }

  private triggerLevel(): number {
    return [1, 4, 8, 14][(this.fcr & FCR_ITL) >>> 6];
  }

  /** QEMU's serial_update_irq: the highest-priority cause goes to IIR, and the line follows it. */
  private updateIrq(): void {
    // Data below the FIFO trigger level: the character timeout, taken as elapsed (deterministic).
    const fifo = (this.fcr & FCR_FE) !== 0;
    const rxCount = fifo ? this.rxFifo.length : (this.lsr & LSR_DR ? 1 : 0);
    const timeoutIpending = fifo && rxCount > 0 && rxCount < this.triggerLevel();
    let id = IIR_NO_INT;
    if ((this.ier & IER_RLSI) && (this.lsr & LSR_INT_ANY)) id = IIR_RLSI;
    else if ((this.ier & IER_RDI) && timeoutIpending) id = IIR_CTI;
    else if ((this.ier & IER_RDI) && (this.lsr & LSR_DR) && (!fifo || rxCount >= this.triggerLevel())) id = IIR_RDI;
    else if ((this.ier & IER_THRI) && this.thrIpending) id = IIR_THRI;
    else if ((this.ier & IER_MSI) && (this.msr & MSR_ANY_DELTA)) id = IIR_MSI;
    this.iir = id | (this.iir & 0xf0);
    // Driven at every update, changed or not, as QEMU's qemu_irq_raise/lower: the PLIC's 'qemu'
    // gateway sets pending on each assertion.
    this.irq(id !== IIR_NO_INT);
  }
}
