// Scripted shell session on the bundled kernel (issue 7, "Done when"): break at
// __create_pgd_mapping, c, bt, finish; walk 0x80200000 before and after satp is written; info mem
// shows the block mappings; x/4gx idmap_pg_dir; catch trap load-page-fault then c stops in the
// lazy-allocation path with the faulting address. One boot, one session, in order.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { Session } from '../../../emulator/debug/commands.js';
import { Target } from '../../../emulator/debug/target.js';
import { disassemble } from '../../../emulator/isa/disasm.js';
import { symbolsOf } from './harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const haveKernel = existsSync(join(ROOT, 'kernel-ts', 'kernel', 'main.ts'));
if (!haveKernel) console.warn('kernel-ts/kernel is not there yet: skipping the bundled-kernel shell session');

const dir = mkdtempSync(join(tmpdir(), 'rvhart-kdebug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveKernel)('shell session on the bundled kernel', () => {
  it('breakpoints, bt, finish, walk before/after satp, info mem, x/4gx idmap_pg_dir, catch the lazy fault', async () => {
    const images = buildBundled({ satp: 'sv39', outDir: dir });
    const machine = new Virt({ output: () => {} });
    machine.boot(loadImage(images.kernel), loadImage(images.firmware));
    const kernelElf = readFileSync(images.kernel);
    const symbols = symbolsOf(new Uint8Array([...kernelElf]), 'kernel.elf');
    const target = new Target(machine);
    target.pause = () => new Promise((r) => setImmediate(r));
    let out = '';
    const session = new Session(target, symbols, { out: (t) => { out += t; } });
    const run = async (...lines: string[]): Promise<string> => { out = ''; for (const l of lines) await session.execute(l); return out; };

    // 1. break at __create_pgd_mapping, continue, bt, finish.
    let o = await run('b __create_pgd_mapping', 'c');
    expect(o).toMatch(/Breakpoint 1, 0x0000000080[0-9a-f]+ in __create_pgd_mapping \(\)/);
    expect(session.prompt()).toBe('(rvhart S) ');
    o = await run('bt');
    const frames = o.split('\n').filter((l) => l.startsWith('#'));
    expect(frames[0]).toMatch(/^#0  0x[0-9a-f]+ in __create_pgd_mapping \(\)$/);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.some((f) => / in kmain \(\)/.test(f))).toBe(true);
    const caller = / in (\w+) \(\)/.exec(frames[1]!)![1]!;
    o = await run('delete', 'finish');
    expect(o).toContain('Run till exit from #0');
    expect(o).toMatch(new RegExp(`in ${caller} \\(\\)`));
    expect(o).toMatch(/Value returned: \$a0 = /);

    // 2. walk 0x80200000 before and after satp is written.
    const kmain = symbols.lookup('kmain')!;
    let csrwSatp: bigint | undefined;
    const text = kernelElf;
    void text;
    for (let a = kmain.addr; a < kmain.addr + 0x4000n && csrwSatp === undefined;) {
      const b = target.mem.readCode(a, 4);
      if (!(b instanceof Uint8Array)) break;
      const bits = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      const d = disassemble(bits, a);
      if (/^csrw\tsatp,/.test(d.text)) csrwSatp = a;
      a += BigInt(d.size);
    }
    expect(csrwSatp).toBeDefined();
    o = await run(`tbreak *${csrwSatp}`, 'c', 'walk 0x80200000');
    expect(o).toContain('Temporary breakpoint 2, ');
    expect(o).toMatch(/walk 0x0000000080200000 <_start\w*>: satp.MODE = Bare: no translation, PA = VA/);
    o = await run('si', 'walk 0x80200000');
    expect(o).toMatch(/walk 0x0000000080200000 <_start\w*>: Sv39, satp 0x8[0-9a-f]+ \(root table 0x80[0-9a-f]+, ASID \d+\), load as supervisor/);
    expect(o).toMatch(/level 2: VPN\[2\] = 0x2 +PTE at 0x[0-9a-f]+ = 0x[0-9a-f]+  V------- rsw=0  pointer/);
    expect(o).toMatch(/level 0: VPN\[0\] = 0x0 +PTE at 0x[0-9a-f]+ = 0x[0-9a-f]+  VR-X.*leaf, 4 KiB page at 0x80200000/);
    expect(o).toMatch(/=> PA 0x0000000080200000 <_start\w*> \(4 KiB page, level 0\)/);

    // 3. info mem shows the block mappings; x/4gx idmap_pg_dir shows the root table.
    o = await run('info mem');
    expect(o).toMatch(/Sv39 page table at 0x0000000080[0-9a-f]+/);
    expect(o).toMatch(/2 MiB block/);
    expect(o).toMatch(/0xffffffc000000000-0xffffffc03fffffff 0x0000000080000000     1 GiB  .* 1 GiB block/);
    const idmap = symbols.lookup('idmap_pg_dir')!.addr;
    o = await run('x/4gx idmap_pg_dir');
    expect(o).toMatch(new RegExp(`^0x${idmap.toString(16)} <idmap_pg_dir>:\\t0x[0-9a-f]{16}\\t0x[0-9a-f]{16}\\n0x${(idmap + 16n).toString(16)} <idmap_pg_dir\\+16>:\\t0x[0-9a-f]{16}\\t0x[0-9a-f]{16}\\n$`));

    // 4. catch trap load-page-fault, then c: stops at the trap handler, the fault in the lazy path.
    o = await run('catch trap load-page-fault', 'c');
    expect(o).toMatch(/Catchpoint 3 \(trap load-page-fault\), load-page-fault \(cause 13\) from S to S, epc 0x[0-9a-f]+ <(touch|lazy_demo)[+\w]*>, tval 0x[0-9a-f]+/);
    const tval = BigInt(/tval (0x[0-9a-f]+)/.exec(o)![1]!);
    const lazyBase = BigInt(/epc/.test(o) ? tval : 0n);
    expect(lazyBase).toBeGreaterThan(0n);
    // bt from the handler's entry: frame 1 is the faulting instruction in the lazy path (xepc).
    const epc = /epc (0x[0-9a-f]+)/.exec(o)![1]!;
    const bt = (await run('bt')).split('\n').filter((l) => l.startsWith('#'));
    expect(bt[1]).toMatch(new RegExp(`^#1  0x0*${epc.slice(2)} in (touch|lazy_demo) \\(\\) <[\\w+]+>  \\(trapped here\\)$`));
    expect(bt.some((f) => / in lazy_demo \(\)/.test(f))).toBe(true);
    o = await run('p/x $stval', 'walk $stval');
    expect(o).toContain(`$1 = 0x${tval.toString(16)}`);
    expect(o).toMatch(/=> load-page-fault \(cause 13\): PTE\.V=0 at level \d/);
  }, 900_000);
});
