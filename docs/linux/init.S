# /init for rvhart boot tests: no libc, no FPU (rv64imac, lp64).
# mount("proc", "/proc", "proc", 0, 0); print "cmdline: " + /proc/cmdline
# to fd 1 (/dev/console), wait for the tty to drain, then power off.
# riscv64 uses the generic syscall table.
        .equ SYS_ioctl,   29
        .equ SYS_mount,   40
        .equ SYS_openat,  56
        .equ SYS_close,   57
        .equ SYS_read,    63
        .equ SYS_write,   64
        .equ SYS_exit,    93
        .equ SYS_reboot, 142
        .equ AT_FDCWD,  -100
        .equ TCSBRK,  0x5409
        .equ BUFSZ,     4096

        .section .rodata
s_proc:         .asciz "proc"
s_slashproc:    .asciz "/proc"
s_cmdline:      .asciz "/proc/cmdline"
s_prefix:       .ascii "cmdline: "
        .equ s_prefix_len, . - s_prefix
s_emount:       .ascii "init: mount /proc failed\n"
        .equ s_emount_len, . - s_emount
s_eopen:        .ascii "init: open /proc/cmdline failed\n"
        .equ s_eopen_len, . - s_eopen


        .section .text
        .globl _start
_start:
        # mount("proc", "/proc", "proc", 0, NULL)
        la      a0, s_proc
        la      a1, s_slashproc
        la      a2, s_proc
        li      a3, 0
        li      a4, 0
        li      a7, SYS_mount
        ecall
        bnez    a0, mount_failed

        # fd = openat(AT_FDCWD, "/proc/cmdline", O_RDONLY, 0)
        li      a0, AT_FDCWD
        la      a1, s_cmdline
        li      a2, 0
        li      a3, 0
        li      a7, SYS_openat
        ecall
        bltz    a0, open_failed
        mv      s0, a0

        # write(1, "cmdline: ", 9)
        li      a0, 1
        la      a1, s_prefix
        li      a2, s_prefix_len
        li      a7, SYS_write
        ecall

copy_loop:
        # n = read(fd, buf, BUFSZ); if (n <= 0) break; write(1, buf, n)
        mv      a0, s0
        la      a1, buf
        li      a2, BUFSZ
        li      a7, SYS_read
        ecall
        blez    a0, copy_done
        mv      a2, a0
        li      a0, 1
        la      a1, buf
        li      a7, SYS_write
        ecall
        j       copy_loop

copy_done:
        mv      a0, s0
        li      a7, SYS_close
        ecall
        j       power_off

mount_failed:
        li      a0, 1
        la      a1, s_emount
        li      a2, s_emount_len
        li      a7, SYS_write
        ecall
        j       power_off

open_failed:
        li      a0, 1
        la      a1, s_eopen
        li      a2, s_eopen_len
        li      a7, SYS_write
        ecall

power_off:
        # tcdrain(1): ioctl(1, TCSBRK, 1) waits until the UART sent everything
        li      a0, 1
        li      a1, TCSBRK
        li      a2, 1
        li      a7, SYS_ioctl
        ecall
        # reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL)
        li      a0, 0xfee1dead
        li      a1, 0x28121969
        li      a2, 0x4321fedc
        li      a3, 0
        li      a7, SYS_reboot
        ecall
        # only reached if reboot failed: exit (the kernel then panics)
        li      a0, 1
        li      a7, SYS_exit
        ecall
1:      j       1b

        .section .bss
        .balign 16
buf:    .space BUFSZ
