# A bare-metal virtio-blk driver (M-mode), written as xv6's virtio_disk.c is: the device at
# 0x10001000 (virtio-mmio-bus.0), the status handshake, features, one 8-entry split queue, requests
# of three descriptors (header, data, status), completion by interrupt through the PLIC (source 1,
# context 0). It reads, writes and reads back, flushes, asks GET_ID, then makes the errors a driver
# can meet: a sector past the end, an unknown type. Each line it prints is what the device answered;
# the same disk on QEMU and on rvhart must give the same transcript. (A data buffer outside RAM is
# where the two part: QEMU 7.2 drops the DMA and reports success; rvhart sets NEEDS_RESET, as the
# virtio spec lets a device do with a chain it cannot use — tests/emulator/board/virtio.test.ts.)
  .equ VIRTIO, 0x10001000
  .equ DESC,   0x80100000
  .equ AVAIL,  0x80101000
  .equ USED,   0x80102000
  .equ HDR,    0x80103000
  .equ DATA,   0x80104000
  .equ STATUS, 0x80105000
  .equ IRQS,   0x80106000     # interrupts taken so far
  .equ LAST,   0x80106008     # (claimed source << 32) | ISR seen by the last interrupt
  .equ PLIC,   0x0c000000
  .globl _start
_start:
  li sp, 0x80200000
  la t0, trap
  csrw mtvec, t0
  li s0, VIRTIO
  # Who is there: magic, version, device ID, vendor; an empty slot's device ID.
  lw a0, 0(s0); call puthex
  lw a0, 4(s0); call puthex
  lw a0, 8(s0); call puthex
  lw a0, 12(s0); call puthex
  li t0, 0x10008000
  lw a0, 8(t0); call puthex
  # Reset, ACKNOWLEDGE, DRIVER; accept SEG_MAX, BLK_SIZE, FLUSH of the low word and VERSION_1.
  sw zero, 0x70(s0)
  li t0, 1; sw t0, 0x70(s0)
  li t0, 3; sw t0, 0x70(s0)
  sw zero, 0x14(s0)
  lw t1, 0x10(s0)
  li t2, (1 << 9) | (1 << 6) | (1 << 2)
  and t1, t1, t2
  sw zero, 0x24(s0)
  sw t1, 0x20(s0)
  mv a0, t1; call puthex
  li t0, 1
  sw t0, 0x14(s0)
  lw t1, 0x10(s0)
  andi t1, t1, 1
  sw t0, 0x24(s0)
  sw t1, 0x20(s0)
  li t0, 11; sw t0, 0x70(s0)        # + FEATURES_OK
  lw a0, 0x70(s0); call puthex
  # Configuration: capacity (sectors, two words), blk_size.
  lw a0, 0x100(s0); call puthex
  lw a0, 0x104(s0); call puthex
  lw a0, 0x114(s0); call puthex
  # Queue 0: not ready yet, its maximum, then 8 entries at DESC/AVAIL/USED.
  sw zero, 0x30(s0)
  lw a0, 0x44(s0); call puthex
  lw a0, 0x34(s0); call puthex
  li t0, 8; sw t0, 0x38(s0)
  li t0, DESC; sw t0, 0x80(s0); sw zero, 0x84(s0)
  li t0, AVAIL; sw t0, 0x90(s0); sw zero, 0x94(s0)
  li t0, USED; sw t0, 0xa0(s0); sw zero, 0xa4(s0)
  li t0, 1; sw t0, 0x44(s0)
  li t0, 15; sw t0, 0x70(s0)        # + DRIVER_OK
  lw a0, 0x70(s0); call puthex
  # PLIC: source 1 at priority 1, enabled for context 0 (M-mode), threshold 0; then MEIE and MIE.
  li t0, PLIC + 4; li t1, 1; sw t1, 0(t0)
  li t0, PLIC + 0x2000; li t1, 2; sw t1, 0(t0)
  li t0, PLIC + 0x200000; sw zero, 0(t0)
  li t0, 0x800; csrs mie, t0
  csrsi mstatus, 8

  # 1. Read sectors 0..1 and show their first and last words.
  li a0, 0; li a1, 0; li a2, 1024; li a3, 1; call request
  li t0, DATA; lwu a0, 0(t0); call puthex
  li t0, DATA + 1020; lwu a0, 0(t0); call puthex
  # 2. Write a pattern to sector 4, clear the buffer, read sector 4 back.
  li t0, DATA; li t1, 0; li t2, 512
1:sb t1, 0(t0)
  addi t1, t1, 3
  addi t0, t0, 1
  addi t2, t2, -1
  bnez t2, 1b
  li a0, 1; li a1, 4; li a2, 512; li a3, 0; call request
  li t0, DATA; li t2, 512
1:sb zero, 0(t0)
  addi t0, t0, 1
  addi t2, t2, -1
  bnez t2, 1b
  li a0, 0; li a1, 4; li a2, 512; li a3, 1; call request
  li t0, DATA; lwu a0, 0(t0); call puthex
  li t0, DATA + 508; lwu a0, 0(t0); call puthex
  # 3. FLUSH (no data).
  li a0, 4; li a1, 0; li a2, 0; li a3, 0; call request
  # 4. GET_ID into 20 bytes of 0xaa: the serial (none here) and its NUL.
  li t0, DATA; li t1, -1; sd t1, 0(t0); sd t1, 8(t0); sd t1, 16(t0)
  li a0, 8; li a1, 0; li a2, 20; li a3, 1; call request
  li t0, DATA; ld a0, 0(t0); call puthex
  # 5. A sector past the end: IOERR.
  lw a1, 0x100(s0)
  li a0, 0; li a2, 512; li a3, 1; call request
  # 6. An unknown request type: UNSUPP.
  li a0, 99; li a1, 0; li a2, 0; li a3, 0; call request
  li a0, 0; call exit

# request(a0 = type, a1 = sector, a2 = data length (0: none), a3 = 1 if the device writes the data):
# builds the chain in descriptors 0..2 (data at DATA), publishes it, waits
# for the interrupt and prints: status, used.len, the interrupt's source and ISR.
request:
  addi sp, sp, -16
  sd ra, 0(sp)
  li t0, HDR
  sw a0, 0(t0)
  sw zero, 4(t0)
  sd a1, 8(t0)
  li t0, STATUS; li t1, 0xff; sb t1, 0(t0)
  li t0, DESC
  li t1, HDR; sd t1, 0(t0)
  li t1, 16; sw t1, 8(t0)
  li t1, 1; sh t1, 12(t0)            # NEXT
  li t1, 1
  bnez a2, 2f
  li t1, 2                           # no data: header → status
2:sh t1, 14(t0)
  li t1, DATA; sd t1, 16(t0)
  sw a2, 24(t0)
  slli t1, a3, 1
  ori t1, t1, 1                      # NEXT | (WRITE if the device writes)
  sh t1, 28(t0)
  li t1, 2; sh t1, 30(t0)
  li t1, STATUS; sd t1, 32(t0)
  li t1, 1; sw t1, 40(t0)
  li t1, 2; sh t1, 44(t0)            # WRITE
  sh zero, 46(t0)
  # avail.ring[idx % 8] = 0; fence; avail.idx++
  li t0, AVAIL
  lhu t1, 2(t0)
  andi t2, t1, 7
  slli t2, t2, 1
  add t2, t2, t0
  sh zero, 4(t2)
  fence
  addi t1, t1, 1
  sh t1, 2(t0)
  fence
  li t0, IRQS; ld s2, 0(t0)          # interrupts before
  sw zero, 0x50(s0)                  # QueueNotify(0)
  # Wait for the next interrupt with MIE off around the check, so none is lost before the WFI.
4:csrci mstatus, 8
  li t0, IRQS; ld t1, 0(t0)
  bne t1, s2, 5f
  wfi
  csrsi mstatus, 8
  j 4b
5:csrsi mstatus, 8
  li t0, STATUS; lbu a0, 0(t0); call puthex
  li t0, USED
  lhu t1, 2(t0)
  addi t1, t1, -1
  andi t1, t1, 7
  slli t1, t1, 3
  add t1, t1, t0
  lwu a0, 8(t1); call puthex         # used.ring[last].len
  li t0, LAST; ld a0, 0(t0); call puthex
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

# The external interrupt: claim, note source and ISR, acknowledge the device, complete.
  .align 2
trap:
  addi sp, sp, -32
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  li t0, PLIC + 0x200004
  lw t1, 0(t0)                       # claim
  li t2, VIRTIO
  lw t2, 0x60(t2)                    # ISR
  slli t1, t1, 32
  or t2, t2, t1
  li t1, LAST; sd t2, 0(t1)
  li t1, VIRTIO
  andi t2, t2, 3
  sw t2, 0x64(t1)                    # InterruptACK
  li t1, LAST; ld t2, 0(t1); srli t2, t2, 32
  sw t2, 0(t0)                       # complete
  li t1, IRQS; ld t2, 0(t1); addi t2, t2, 1; sd t2, 0(t1)
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  addi sp, sp, 32
  mret
