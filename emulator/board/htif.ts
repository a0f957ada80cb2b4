// HTIF, the Berkeley host-target interface that riscv-tests, riscv-pk and Spike's fesvr speak, over two
// doublewords in RAM (`tohost`, `fromhost`: ELF symbols the loader finds). A command in tohost is
//   bits 63:56 device, 55:48 command, 47:0 payload.
// Device 0 (syscall proxy), command 0: an odd payload is exit with code payload >> 1; an even payload is
//   the address of magic_mem, 8 doublewords {n, a0..a6}: the syscall is performed (64 write, 93 exit),
//   its result stored in magic_mem[0], and fromhost set to 1.
// Device 1 (console, "bcd"): command 1 prints the payload's low byte (no response, as fesvr); command 0
//   reads a byte, answered through fromhost with 0x100 | byte once input exists.
// Command 255 on any device: identify (writes a 64-byte name; pk enumerates devices this way).
// As fesvr does, the host clears tohost when it takes a command, and queues responses while fromhost is
// still nonzero (the guest has not consumed the previous one).
//
// Completeness of a command: on RV64 tohost is usually written with one `sd`, but riscv-tests' M-mode
// code writes it as two `sw` (low half, then high half). The run loop reports stores that touch tohost
// through `noteStore`; a command is taken once both halves have been written since the last one.
// `poll()` (between instruction chunks) also takes a value that no reported store produced once it has
// been seen unchanged by two polls, so a run loop that only polls still works.

import type { Bus } from './bus.js';

/** fesvr's device numbers and the syscalls implemented. */
const DEV_SYSCALL = 0, DEV_CONSOLE = 1;
const CMD_IDENTIFY = 255;
const SYS_write = 64n, SYS_exit = 93n;
const EBADF = 9n, EFAULT = 14n, ENOSYS = 38n;
const IDENTITY_SIZE = 64;
const PAYLOAD_MASK = (1n << 48n) - 1n;

export class Htif {
  private lowWritten = false;
  private highWritten = false;
  /** The nonzero tohost value the previous poll saw that no reported store explained, if any. */
  private lastPolled = 0n;
  private readonly responses: bigint[] = [];
  private readonly input: number[] = [];
  private pendingReads = 0;

  /**
   * @param tohost   physical address of the `tohost` symbol (must be 8 bytes inside RAM)
   * @param fromhost physical address of `fromhost`, if the image has one (responses need it)
   * @param onError  a request the host cannot carry out (magic_mem outside RAM); defaults to ignoring it
   */
  constructor(
    private readonly bus: Bus,
    readonly tohost: number,
    readonly fromhost: number | undefined,
    private readonly out: (bytes: Uint8Array) => void,
    private readonly onExit: (code: number) => void,
    private readonly onError: (message: string) => void = () => {},
  ) {
    for (const [name, pa] of [['tohost', tohost], ['fromhost', fromhost]] as const) {
      if (pa !== undefined && !bus.ram.contains(pa, 8)) {
        throw new RangeError(`htif: ${name} at 0x${pa.toString(16)} is not inside RAM`);
      }
    }
  }

  /** Whether a store of `size` bytes at physical address pa touches tohost (cheap; for the run loop). */
  touches(pa: number, size: number): boolean {
    return pa < this.tohost + 8 && pa + size > this.tohost;
  }

  /** The run loop reports a completed store that touches tohost; the command is taken once whole. */
  noteStore(pa: number, size: number): void {
    if (!this.touches(pa, size)) return;
    if (pa < this.tohost + 4) this.lowWritten = true;
    if (pa + size > this.tohost + 4) this.highWritten = true;
    if (this.lowWritten && this.highWritten) this.take();
  }

  /** Between instruction chunks: delivers queued responses and input, and takes a stable command. */
  poll(): void {
    this.flushResponses();
    const value = this.bus.read(this.tohost, 8);
    if (value === 0n) {
      this.lastPolled = 0n;
      this.lowWritten = this.highWritten = false;
    } else if (this.lowWritten !== this.highWritten) {
      // Half of a two-store command reported: wait for the other half.
    } else if (value === this.lastPolled) {
      this.take();
    } else {
      this.lastPolled = value;
    }
    this.flushResponses();
  }

  /** Console input for device 1's read command. */
  pushInput(bytes: Uint8Array): void {
    for (const b of bytes) this.input.push(b);
    this.serveReads();
    this.flushResponses();
  }

  /** Takes the command in tohost, clearing tohost first as fesvr does. */
  private take(): void {
    this.lowWritten = this.highWritten = false;
    this.lastPolled = 0n;
    const value = this.bus.read(this.tohost, 8);
    if (value === 0n) return;
    this.bus.write(this.tohost, 8, 0n);
    const device = Number(value >> 56n), cmd = Number((value >> 48n) & 0xffn), payload = value & PAYLOAD_MASK;
    if (cmd === CMD_IDENTIFY) {
      this.identify(device, payload);
    } else if (device === DEV_SYSCALL && cmd === 0) {
      if (payload & 1n) this.onExit(Number(payload >> 1n));
      else this.syscall(payload);
    } else if (device === DEV_CONSOLE && cmd === 1) {
      this.out(Uint8Array.of(Number(payload & 0xffn)));
    } else if (device === DEV_CONSOLE && cmd === 0) {
      this.pendingReads++;
      this.serveReads();
    }
    // Other devices and commands: fesvr's null handlers ignore them.
    this.flushResponses();
  }

  /** Device 0: the proxied syscall whose request block (magic_mem) is at `addr`. */
  private syscall(addr: bigint): void {
    const mm = Number(addr);
    if (!this.bus.ram.contains(mm, 64)) {
      this.onError(`htif: syscall request at 0x${addr.toString(16)} is not inside RAM`);
      return;
    }
    const arg = (k: number) => this.bus.read(mm + 8 * k, 8);
    const n = arg(0), a0 = arg(1), a1 = arg(2), a2 = arg(3);
    let ret: bigint;
    if (n === SYS_exit) {
      this.onExit(Number(a0 & ((1n << 63n) - 1n)));
      ret = 0n;
    } else if (n === SYS_write) {
      ret = this.write(a0, a1, a2);
    } else {
      ret = -ENOSYS;
    }
    this.bus.write(mm, 8, BigInt.asUintN(64, ret));
    this.respond(DEV_SYSCALL, 0, 1n);
  }

  /** write(fd, buf, len) for stdout and stderr (both go to `out`). */
  private write(fd: bigint, buf: bigint, len: bigint): bigint {
    if (fd !== 1n && fd !== 2n) return -EBADF;
    if (len === 0n) return 0n;
    const pa = Number(buf), n = Number(len);
    if (len > BigInt(this.bus.ram.size) || !this.bus.ram.contains(pa, n)) return -EFAULT;
    const off = pa - this.bus.ram.base;
    this.out(this.bus.ram.readBytes(off, n));
    return len;
  }

  /** fesvr's identify: payload = addr * 256 + what; writes the device's (what = 255) or a command's name. */
  private identify(device: number, payload: bigint): void {
    const what = Number(payload & 0xffn), addr = Number(payload >> 8n);
    const names: Record<number, { id: string; cmds: Record<number, string> }> = {
      [DEV_SYSCALL]: { id: 'syscall_proxy', cmds: { 0: 'syscall' } },
      [DEV_CONSOLE]: { id: 'bcd', cmds: { 0: 'read', 1: 'write' } },
    };
    const dev = names[device];
    const name = what === CMD_IDENTIFY ? (dev?.id ?? '') : (dev?.cmds[what] ?? '');
    if (!this.bus.ram.contains(addr, IDENTITY_SIZE)) {
      this.onError(`htif: identify buffer at 0x${addr.toString(16)} is not inside RAM`);
      return;
    }
    const bytes = new Uint8Array(IDENTITY_SIZE);
    bytes.set(new TextEncoder().encode(name).subarray(0, IDENTITY_SIZE - 1));
    this.bus.ram.load(addr, bytes);
    this.respond(device, CMD_IDENTIFY, 1n);
  }

  private serveReads(): void {
    while (this.pendingReads > 0 && this.input.length > 0) {
      this.pendingReads--;
      this.respond(DEV_CONSOLE, 0, 0x100n | BigInt(this.input.shift()!));
    }
  }

  private respond(device: number, cmd: number, resp: bigint): void {
    if (this.fromhost === undefined) return;
    this.responses.push((BigInt(device) << 56n) | (BigInt(cmd) << 48n) | (resp & PAYLOAD_MASK));
  }

  /** Writes the oldest queued response once the guest has consumed the previous one. */
  private flushResponses(): void {
    if (this.fromhost === undefined || this.responses.length === 0) return;
    if (this.bus.read(this.fromhost, 8) !== 0n) return;
    this.bus.write(this.fromhost, 8, this.responses.shift()!);
  }
}
