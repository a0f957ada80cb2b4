// Scripted shell sessions on assembly programs (DESIGN §9): GDB's words, exact steps, stops that say
// why, the page-table views.

import { describe, expect, it } from 'vitest';
import { asmSession } from './harness.js';
import { CALLS, PAGING } from './programs.js';

describe('stepping', () => {
  it('si steps exactly one instruction and shows where it stopped', async () => {
    const s = asmSession(CALLS);
    expect(s.machine.hart.pc).toBe(0x1000);
    const out = await s.run('si');
    expect(s.machine.hart.retired).toBe(1);
    expect(out).toMatch(/^0x0000000000001004 in \?\? \(\)\n=> 0x1004:\t/);
    await s.run('si 3');
    expect(s.machine.hart.retired).toBe(4);
  });

  it('an empty line repeats the last step command', async () => {
    const s = asmSession(CALLS);
    await s.run('si 2', '');
    expect(s.machine.hart.retired).toBe(4);
  });

  it('a step that takes a trap stops at the handler\'s first instruction and names the trap', async () => {
    const s = asmSession(CALLS);
    await s.run('b _start', 'c');
    const h = s.machine.hart;
    const ecall = s.symbols.lookup('outer')!.addr - 6n; // ecall (4 bytes) + c.j (2 bytes) before outer
    expect(await s.run(`x/i ${ecall}`)).toContain('ecall');
    await s.run(`until *${ecall}`);
    expect(h.pcBig()).toBe(ecall);
    const out = await s.run('si');
    expect(h.pcBig()).toBe(s.symbols.lookup('handler')!.addr);
    expect(out).toContain('Trap taken: ecall-from-m (cause 11) from M to M, epc 0x' + ecall.toString(16));
    expect(out).toContain('=> 0x' + h.pcBig().toString(16) + ' <handler>:');
  });

  it('ni steps over a call; finish returns to the caller; bt walks frame pointers', async () => {
    const s = asmSession(CALLS);
    let out = await s.run('b inner', 'c');
    expect(out).toContain('Breakpoint 1, 0x' + s.symbols.lookup('inner')!.addr.toString(16).padStart(16, '0') + ' in inner ()');
    out = await s.run('bt');
    expect(out.split('\n').filter((l) => l.startsWith('#')).map((l) => / in (\w+)/.exec(l)![1])).toEqual(['inner', 'outer', '_start']);
    await s.run('si 4');
    out = await s.run('bt');
    expect(out.split('\n').filter((l) => l.startsWith('#')).map((l) => / in (\w+)/.exec(l)![1])).toEqual(['inner', 'outer', '_start']);
    out = await s.run('finish');
    expect(out).toContain('Run till exit from #0');
    expect(out).toMatch(/in outer \(\)/);
    expect(out).toContain('Value returned: $a0 = 0x29 (41)');
    out = await s.run('finish');
    expect(out).toMatch(/in _start \(\)/);
    expect(out).toContain('(42)');
    // ni over `la t1, counter` (not a call) is one step
    const before = s.machine.hart.retired;
    await s.run('ni');
    expect(s.machine.hart.retired).toBe(before + 1);
  });

  it('ni over a call stops after it', async () => {
    const s = asmSession(CALLS);
    const outer = s.symbols.lookup('outer')!.addr;
    await s.run('b outer', 'c', 'si 4');
    const pc = s.machine.hart.pcBig();
    expect(pc).toBe(outer + 8n); // at `call inner` (c.addi16sp? no: 4 x 2-byte compressed)
    await s.run('ni 2'); // call = auipc + jalr
    expect(s.machine.hart.pcBig() > pc).toBe(true);
    expect(s.symbols.describe(s.machine.hart.pcBig())).toMatch(/^outer\+/);
    expect(BigInt.asUintN(64, s.machine.hart.reg(10))).toBe(41n);
  });

  it('tbreak is deleted when hit; delete/disable work; info breakpoints lists them', async () => {
    const s = asmSession(CALLS);
    let out = await s.run('tbreak outer', 'b inner', 'info breakpoints');
    expect(out).toContain('Temporary breakpoint 1 at 0x');
    expect(out).toMatch(/1\s+breakpoint\s+del  y/);
    expect(out).toMatch(/2\s+breakpoint\s+keep y/);
    out = await s.run('c');
    expect(out).toContain('Temporary breakpoint 1, ');
    out = await s.run('info breakpoints');
    expect(out).not.toMatch(/^1\s/m);
    await s.run('disable 2');
    out = await s.run('c');
    expect(out).toContain('exited normally');
  });
});

describe('watchpoints and catchpoints', () => {
  it('watch stops when the value changes, with old and new values (a store of the same value does not stop)', async () => {
    const s = asmSession(CALLS);
    let out = await s.run('watch counter');
    expect(out).toMatch(/Hardware watchpoint 1: \*\(u64\*\)0x[0-9a-f]+ <counter>/);
    out = await s.run('c');
    expect(out).toContain('Old value = 0x0\nNew value = 0x7');
    out = await s.run('c');
    expect(out).toContain('Old value = 0x7\nNew value = 0x9');
    expect(out).toMatch(/=> 0x[0-9a-f]+ <inner\+\d+>:\tli\ta0,41/);
  });

  it('rwatch stops on a read; awatch on reads and writes; -p watches a physical address', async () => {
    const s = asmSession(CALLS);
    let out = await s.run('rwatch counter', 'c');
    expect(out).toContain('Hardware read watchpoint 1');
    expect(out).toContain('Value = 0x9');
    const t = asmSession(CALLS);
    out = await t.run('awatch -p counter', 'c');
    expect(out).toContain('Hardware access (read/write) watchpoint 1: physical');
    expect(out).toContain('New value = 0x7');
  });

  it('catch trap stops when the trap is taken, with cause, tval and epc', async () => {
    const s = asmSession(PAGING);
    let out = await s.run('catch trap load-page-fault');
    expect(out).toBe('Catchpoint 1 (trap load-page-fault)\n');
    out = await s.run('c');
    expect(out).toContain('Catchpoint 1 (trap load-page-fault), load-page-fault (cause 13) from S to M');
    expect(out).toContain('tval 0x40200000');
    expect(out).toContain(`epc 0x${s.symbols.lookup('lazy_load')!.addr.toString(16)} <lazy_load>`);
    expect(s.machine.hart.pcBig()).toBe(s.symbols.lookup('mhandler')!.addr);
    out = await s.run('c');
    expect(out).toContain('exited with code 15] (syscon fail, code 13)');
  });

  it('catch trap with an unknown cause says so in one line and the session goes on', async () => {
    const s = asmSession(PAGING);
    const out = await s.run('catch trap bogus-fault', 'catch', 'p 1+1');
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^catch trap: unknown cause "bogus-fault"/);
    expect(lines[1]).toBe('Usage: catch trap [CAUSE]  (e.g. catch trap load-page-fault)');
    expect(lines[2]).toBe('$1 = 2');
  });
});

describe('memory-management views', () => {
  it('walk before and after satp is written: Bare, then every level with PTE address, raw PTE, flags, VPN', async () => {
    const s = asmSession(PAGING);
    await s.run('b set_satp', 'c');
    let out = await s.run('walk 0x40000010');
    expect(out).toContain('satp.MODE = Bare: no translation, PA = VA');
    await s.run('si', 'b smain', 'c');
    out = await s.run('walk 0x40000010');
    const root = s.symbols.lookup('root_pt')!.addr, l1 = s.symbols.lookup('l1_pt')!.addr;
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^walk 0x0000000040000010: Sv39, satp 0x8[0-9a-f]+ \(root table 0x[0-9a-f]+, ASID 0\), load as supervisor/);
    expect(lines[1]).toBe(`  level 2: VPN[2] = 0x1    PTE at 0x${(root + 8n).toString(16).padStart(16, '0')} = 0x${((l1 >> 12n << 10n) | 1n).toString(16).padStart(16, '0')}  V------- rsw=0  pointer -> table 0x${l1.toString(16)}`);
    expect(lines[2]).toBe(`  level 1: VPN[1] = 0x0    PTE at 0x${l1.toString(16).padStart(16, '0')} = 0x00000000200800c7  VRW---AD rsw=0  leaf, 2 MiB page at 0x80200000`);
    expect(lines[3]).toBe('  => PA 0x0000000080200010 (2 MiB page, level 1)');
    out = await s.run('walk 0x40200000 --access w');
    expect(out).toMatch(/level 1: VPN\[1\] = 0x1 .* fault/);
    expect(out).toContain('=> store-page-fault (cause 15): PTE.V=0 at level 1  [walk step 4 (docs/ARCHITECTURE.md); privileged spec 12.3.2 step 3]');
    out = await s.run('walk 0x80000000 --priv u');
    expect(out).toContain('U-mode access needs PTE.U=1');
    out = await s.run('walk 0x80000000 --access x');
    expect(out).toContain('leaf, 1 GiB page at 0x80000000');
    out = await s.run('walk 0x80000000 --priv q');
    expect(out).toBe('--priv q: expected s, u or m\n');
  });

  it('info mem lists the mappings merged, with block mappings marked', async () => {
    const s = asmSession(PAGING);
    await s.run('b smain', 'c');
    const out = await s.run('info mem');
    expect(out).toContain('Sv39 page table at 0x');
    expect(out).toMatch(/0x0000000040000000-0x00000000401fffff 0x0000000080200000     2 MiB  rw---ad  2 MiB block/);
    expect(out).toMatch(/0x0000000080000000-0x00000000bfffffff 0x0000000080000000     1 GiB  rwx--ad  1 GiB block  <_start>/);
  });

  it('x/4gx shows the root table; x -p reads physical memory; x/i disassembles with symbols', async () => {
    const s = asmSession(PAGING);
    await s.run('b smain', 'c');
    const root = s.symbols.lookup('root_pt')!.addr;
    let out = await s.run('x/4gx root_pt');
    const l1 = s.symbols.lookup('l1_pt')!.addr;
    expect(out).toBe(`0x${root.toString(16)} <root_pt>:\t0x0000000000000000\t0x${((l1 >> 12n << 10n) | 1n).toString(16).padStart(16, '0')}\n` +
      `0x${(root + 16n).toString(16)} <root_pt+16>:\t0x00000000200000cf\t0x0000000000000000\n`);
    out = await s.run('x/2wx -p 0x80200000', 'si 3', 'x/2wx 0x40000000');
    expect(out).toContain('0x80200000:\t0x00000000\t0x00000000');
    expect(out).toContain('0x40000000:\t0x0000002a\t0x00000000');
    out = await s.run('x/2i $pc');
    expect(out).toMatch(/^=> 0x[0-9a-f]+ <smain\+\d+>:\t/);
    out = await s.run('x/gx 0x40200000');
    expect(out).toMatch(/^Cannot access memory at address 0x40200000: sv39 walk: PTE.V=0 at level 1/);
  });

  it('info pmp, info pma, info tlb, info priv, info csr', async () => {
    const s = asmSession(PAGING);
    await s.run('b smain', 'c', 'si 3');
    let out = await s.run('info pmp');
    expect(out).toContain('pmp0: NAPOT 0x0000000000000000-0x01ffffffffffffff  rwx  cfg=0x1f pmpaddr=0x3fffffffffffff');
    out = await s.run('info pma');
    expect(out).toMatch(/ram\s+0x0000000080000000 0x0000000080ffffff RAM/);
    expect(out).toMatch(/uart0\s+0x0000000010000000/);
    out = await s.run('info tlb');
    expect(out).toMatch(/0x0000000040000000 0x0000000080200000 2 MiB\s+0  rw---ad/);
    out = await s.run('info priv');
    expect(out).toContain('Privilege: S (supervisor)');
    expect(out).toContain('satp: Sv39, ASID 0');
    out = await s.run('info csr satp');
    expect(out).toMatch(/^satp\s+0x8[0-9a-f]+\s+MODE=Sv39 ASID=0 PPN=0x/);
    out = await s.run('info registers satp a0 pc');
    expect(out).toMatch(/satp\s+0x8/);
    expect(out).toMatch(/a0\s+0x40000000\s+1073741824/);
    expect(out).toMatch(/pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <smain\+\d+>/);
    expect(s.session.prompt()).toBe('(rvhart S) ');
  });
});

describe('expressions, set, bad input', () => {
  it('p and set work on registers, CSRs, symbols and memory', async () => {
    const s = asmSession(CALLS);
    const out = await s.run('set $a0 = 0x10', 'p $a0 * 2 + 1', 'p/x $a0', 'p counter', 'set *(u64*)counter = 0x55', 'x/gx counter',
      'p *(u64*)counter', 'p/x $mstatus', 'set $mscratch = -1', 'p/x $mscratch', 'p $pc', 'p/x {u8}counter', 'p (1 << 4) | 3');
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('$1 = 33');
    expect(lines[1]).toBe('$2 = 0x10');
    expect(lines[2]).toMatch(/^\$3 = \(void \*\) 0x[0-9a-f]+ <counter>$/);
    expect(lines[3]).toMatch(/<counter>:\t0x0000000000000055$/);
    expect(lines[4]).toBe('$4 = 85');
    expect(lines[5]).toBe('$5 = 0xa00000000');
    expect(lines[6]).toBe('$6 = 0xffffffffffffffff');
    expect(lines[7]).toBe('$7 = (void (*)()) 0x1000');
    expect(lines[8]).toBe('$8 = 0x55');
    expect(lines[9]).toBe('$9 = 19');
  });

  it('a bad command prints one line and the session goes on', async () => {
    const s = asmSession(CALLS);
    const out = await s.run('frobnicate', 'p nosuchsym', 'x/4q 0', 'b', 'info nothing', 'walk', 'p 1');
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('Undefined command: "frobnicate".  Try "help".');
    expect(lines[1]).toBe('No symbol "nosuchsym" in current context.');
    expect(lines[2]).toMatch(/^Invalid number or format "4q"/);
    expect(lines[3]).toMatch(/^Breakpoint 1 at 0x1000$/);
    expect(lines[4]).toBe('Undefined info command: "nothing".  Try "help info".');
    expect(lines[5]).toBe('Usage: walk VA [--priv s|u] [--access r|w|x]');
    expect(lines[6]).toBe('$1 = 1');
  });

  it('every command in help has its usage; help CMD shows one', async () => {
    const s = asmSession(CALLS);
    const out = await s.run('help');
    for (const w of ['si', 'ni', 'c', 'until', 'finish', 'b ', 'tbreak', 'delete', 'disable', 'enable', 'watch', 'rwatch', 'awatch', 'catch trap', 'info', 'p[', 'set', 'x/NFU', 'disas', 'bt', 'walk', 'trace', 'help', 'quit']) {
      expect(out).toContain('  ' + w);
    }
    expect(await s.run('help walk')).toMatch(/^walk VA \[--priv s\|u\] \[--access r\|w\|x\]\n  Show every step/);
  });

  it('every command in help does what its help says, as a new user would type it', async () => {
    const s = asmSession(CALLS);
    const inner = s.symbols.lookup('inner')!.addr.toString(16);
    const steps: [string, RegExp][] = [
      ['help', /^Commands/],
      ['b outer', /^Breakpoint 1 at 0x[0-9a-f]+ <outer>$/],
      ['tbreak inner', /^Temporary breakpoint 2 at 0x[0-9a-f]+ <inner>$/],
      ['info breakpoints', /1\s+breakpoint\s+keep y/],
      ['disable 1', /^$/],
      ['enable 1', /^$/],
      ['c', /Breakpoint 1, 0x[0-9a-f]+ in outer \(\)/],
      ['delete 2', /^$/],
      ['step', /in outer \(\)\n=> /],
      ['next', /in outer \(\)\n=> /],
      ['stepi 2', /in outer \(\)\n=> /],
      ['nexti', /in outer \(\)\n=> /],
      [`until *0x${inner}`, /in inner \(\)/],
      ['until', /in inner \(\)\n=> /],
      ['advance *$pc + 2', /in inner \(\)/],
      ['finish', /Run till exit from #0/],
      ['info registers a0', /^a0\s+0x29\s+41$/],
      ['info all-registers', /mstatus\s+0x/],
      ['info csr mcause', /^mcause\s+0x0\s+exception 0/],
      ['info priv', /^Privilege: M/],
      ['info symbol $pc', /^outer \+ \d+$/],
      ['info trap', /^No trap taken yet\.$/],
      ['info frame', /^Stopped at 0x[0-9a-f]+ in outer \(\), \d+ instructions retired/],
      ['info watchpoints', /^No watchpoints\.$/],
      ['info mem', /^satp\.MODE is Bare/],
      ['info tlb', /^TLB: 0 valid entries/],
      ['info pmp', /^PMP: 16 entries, 0 active/],
      ['info pma', /^region/],
      ['p/x $sp', /^\$1 = 0x[0-9a-f]+$/],
      ['p/d -1', /^\$2 = -1$/],
      ['p/t 5', /^\$3 = 101$/],
      ['p/c 65', /^\$4 = 65 'A'$/],
      ['p/a $ra', /^\$5 = 0x[0-9a-f]+ <outer\+\d+>$/],
      ['output 7', /^\$6 = 7$/],
      ['set $t0 = 3', /^$/],
      ['set var $t1 = $t0 * 2', /^$/],
      ['p $t1', /^\$7 = 6$/],
      ['x/3xw $sp', /^0x[0-9a-f]+ <stack\+\d+>:\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}\t0x[0-9a-f]{8}$/],
      ['x/2dh counter', /<counter>:\t9\t0$/],
      ['x/s 0x80000000', /^0x80000000 <_start>:\t"/],
      ['x/2i $pc', /^=> 0x/],
      ['x', /^   0x[0-9a-f]+ <outer\+\d+>:\t/], // continues where x/2i stopped
      ['disas', /^Dump of assembler code for function outer:\n[\s\S]*=> 0x[\s\S]*End of assembler dump\.$/],
      ['disas _start 3', /^Dump of assembler code from 0x80000000, 3 instructions:\n(   0x.*\n){3}End of assembler dump\.$/],
      ['bt', /^#0  0x[0-9a-f]+ in outer \(\)\n#1  0x[0-9a-f]+ in _start \(\)/],
      ['where', /^#0/],
      ['walk _start', /satp\.MODE = Bare/],
      ['watch counter', /^Hardware watchpoint \d+: \*\(u64\*\)0x/],
      ['rwatch counter 4', /^Hardware read watchpoint \d+: \*\(u32\*\)0x/],
      ['awatch -p counter 2', /^Hardware access \(read\/write\) watchpoint \d+: physical \*\(u16\*\)0x/],
      ['catch trap ecall-from-m', /^Catchpoint \d+ \(trap ecall-from-m\)$/],
      ['catch trap 2', /^Catchpoint \d+ \(trap illegal-instruction\)$/],
      ['catch trap', /^Catchpoint \d+ \(trap any\)$/],
      ['delete', /^$/],
      ['trace on', /^Tracing on\.$/],
      ['si', /^M 0x[0-9a-f]{16} /],
      ['trace off', /^Tracing off\.$/],
      ['help x', /^x\/NFU/],
      ['cont', /exited normally/],
      ['quit', /^$/],
    ];
    for (const [cmd, want] of steps) {
      const out = (await s.run(cmd)).replace(/\n$/, '');
      expect({ cmd, out }).toEqual({ cmd, out: expect.stringMatching(want) });
    }
    expect(s.session.quit).toBe(true);
  });

  it('after the guest exits, run commands say the program is not being run', async () => {
    const s = asmSession(CALLS);
    expect(await s.run('c')).toContain('[Inferior 1 (process 1) exited normally]');
    expect(await s.run('si')).toBe('The program is not being run.\n');
  });

  it('trace on prints one line per instruction while continuing', async () => {
    const s = asmSession(CALLS);
    const out = await s.run('b outer', 'trace on', 'c');
    expect(out).toContain('Tracing on.');
    expect(out).toMatch(/^M 0x0000000000001000 /m);
    expect(out).toContain('Breakpoint 1, ');
  });

  it('completion offers commands, symbols, registers and info topics', () => {
    const s = asmSession(CALLS);
    expect(s.session.complete('fin')).toEqual(['finish']);
    expect(s.session.complete('b inn')).toEqual(['b inner']);
    expect(s.session.complete('p $sat')).toEqual(['p $satp']);
    expect(s.session.complete('info tl')).toEqual(['info tlb']);
    expect(s.session.complete('catch trap load-p')).toEqual(['catch trap load-page-fault']);
  });
});
