// The shell's view of the bundled kernel's processes (emulator/debug/proc.ts): stopped inside the
// kernel's meminfo for a process, `info proc` lists the task list read from guest memory (the
// current task marked), `info vma` gives the same VMAs the kernel itself then prints, `proc PID mem`
// lists that process's user pages from its own table, and `proc PID walk VA` translates in that
// table without running it — agreeing with the emulator's translate under that satp.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { Session } from '../../../emulator/debug/commands.js';
import { Target } from '../../../emulator/debug/target.js';
import { translate } from '../../../emulator/debug/translate.js';
import { LOAD, PRV_U } from '../../../emulator/mmu/access.js';
import { symbolsOf } from './harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const haveKernel = existsSync(join(ROOT, 'kernel-ts', 'kernel', 'proc_run.ts'));
const dir = mkdtempSync(join(tmpdir(), 'rvhart-kproc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveKernel)('info proc, info vma, proc PID on the bundled kernel', () => {
  for (const satp of ['sv39', 'sv48'] as const) {
    it(`${satp}: the task list, a process's VMAs and its page table, read from guest memory`, async () => {
      const images = buildBundled({ satp, outDir: dir });
      let console = '';
      const dec = new TextDecoder();
      const machine = new Virt({ output: (b) => { console += dec.decode(b, { stream: true }); } });
      machine.boot(loadImage(images.kernel), loadImage(images.firmware));
      const symbols = symbolsOf(new Uint8Array(readFileSync(images.kernel)), 'kernel.elf');
      const target = new Target(machine);
      target.pause = () => new Promise((r) => setImmediate(r));
      let out = '';
      const session = new Session(target, symbols, { out: (t) => { out += t; } });
      const run = async (...lines: string[]): Promise<string> => { out = ''; for (const l of lines) await session.execute(l); return out; };

      // Before any process: only the idle task (and the layouts are there already).
      let o = await run('info proc');
      expect(o).toMatch(/^ {2}PID {2}PPID S COMM/m);
      // Stop in the kernel's meminfo for the first process that calls it (three more come later).
      o = await run('b show_meminfo', 'c');
      expect(o).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in show_meminfo \(\)/);
      o = await run('info proc');
      const rows = [...o.matchAll(/^([* ]) *(\d+) +(\d+) ([RSZ]) (\w+) +0x([0-9a-f]{16}) (0x[0-9a-f]{16}|-) /gm)];
      expect(rows[0]![2]).toBe('0');                                  // idle first
      expect(rows[0]![5]).toBe('swapper');
      const cur = rows.filter((r) => r[1] === '*');
      expect(cur.length, o).toBe(1);
      const pid = cur[0]![2]!;
      expect(cur[0]![4]).toBe('R');
      expect(rows.find((r) => r[2] === '1')![5]).toBe('init');
      expect(rows.length).toBeGreaterThan(3);
      for (const r of rows.slice(1)) expect(r[3] === '0' || rows.some((p) => p[2] === r[3])).toBe(true);   // every parent listed
      // The satp shown is the one the hart runs with for the current process.
      const satpShown = BigInt(cur[0]![7]!);
      expect(satpShown).toBe(machine.mmu.getSatp());

      o = await run('info vma');
      expect(o).toContain(`VMAs of pid ${pid} (`);
      const vmas = [...o.matchAll(/^([0-9a-f]{10})-([0-9a-f]{10}) ([r-][w-][x-]p) +\S+ \S+ {2}(.*)$/gm)].map((m) => `${m[1]}-${m[2]} ${m[3]} ${m[4]}`.trim());
      expect(vmas.length).toBeGreaterThanOrEqual(4);
      const same = await run(`info vma ${pid}`);
      expect(same).toBe(o);

      // proc PID mem: the user pages of that process's own table; proc PID walk agrees with translate.
      o = await run(`proc ${pid}`);
      expect(o).toContain(`pid ${pid} (`);
      o = await run(`proc ${pid} mem`);
      expect(o).toMatch(/^0x0000002000000000-0x0000002000000fff 0x[0-9a-f]{16} +4 KiB {2}r-xu/m);
      o = await run(`proc ${pid} walk 0x2000000000`);
      const pa = BigInt(/=> PA (0x[0-9a-f]+) \(4 KiB page, level 0\)/.exec(o)![1]!);
      expect(translate(machine.mmu, 0x2000000000n, LOAD, PRV_U, { satp: satpShown }).result?.pa).toBe(pa);
      o = await run(`proc ${pid} walk 0x2000000000 w`);
      expect(o).toMatch(/=> page fault \(cause 15\)/);
      // Another process (init, sleeping in wait): its table, inspected without running it.
      o = await run('proc 1 walk 0x2000000000');
      expect(o).toMatch(/in pid 1 \(init\)/);
      expect(o).toMatch(/=> PA 0x[0-9a-f]+ \(4 KiB page, level 0\)/);
      expect(machine.mmu.getSatp()).toBe(satpShown);                 // nothing switched

      // The kernel then prints the same VMAs for that pid.
      await run('delete', 'finish');
      const printed = [...console.matchAll(new RegExp(`^ {2}\\[${pid}\\] ([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-]p) +\\d+ kB +\\d+ resident {2}(.*)$`, 'gm'))]
        .slice(0, vmas.length).map((m) => `${m[1]!.padStart(10, '0')}-${m[2]!.padStart(10, '0')} ${m[3]} ${m[4]}`.trim());
      expect(printed).toEqual(vmas);

      o = await run('proc 999');
      expect(o).toMatch(/No process with pid 999/);
    }, 300_000);
  }
});
