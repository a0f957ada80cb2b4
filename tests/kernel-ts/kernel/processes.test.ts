// The bundled kernel's processes, checked from outside in both builds (Sv39, Sv48): the transcript's
// maps, fault counts, forks, kills and leak check are parsed and checked against each other and
// against what the emulator itself counted (system calls as ecalls from U-mode, preemptions as
// supervisor timer interrupts), and the maps against what the user programs did to their VMAs.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBundled } from '../../../bin/bundled.js';
import { loadImage } from '../../../bin/load.js';
import { Virt } from '../../../emulator/board/virt.js';
import { spawnSync } from 'node:child_process';
import { hasTool } from '../harness.js';

const out = mkdtempSync(join(tmpdir(), 'rvhart-procs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function boot(satp: 'sv39' | 'sv48', bootargs?: string): { text: string; machine: Virt; code: number | undefined } {
  const imgs = buildBundled({ satp, outDir: out });
  let text = '';
  const dec = new TextDecoder();
  const machine = new Virt({ bootargs, output: (b) => { text += dec.decode(b, { stream: true }); } });
  machine.boot(loadImage(imgs.kernel), loadImage(imgs.firmware));
  const stop = machine.run(400_000_000);
  return { text, machine, code: stop.kind === 'exit' ? stop.code : undefined };
}

const haveQemu = hasTool('qemu-system-riscv64');
if (!haveQemu) console.warn('the bundled kernel on QEMU skipped: needs qemu-system-riscv64');

/** The same two ELF files on QEMU's virt board (-bios firmware -kernel kernel): its console and exit status. */
function bootQemu(satp: 'sv39' | 'sv48'): { text: string; code: number | undefined } {
  const imgs = buildBundled({ satp, outDir: out });
  const r = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-bios', imgs.firmware, '-kernel', imgs.kernel], { encoding: 'utf8', timeout: 120_000 });
  return { text: r.stdout.replace(/\r\n/g, '\n'), code: r.status ?? undefined };
}

interface Vma { start: bigint; end: bigint; perm: string; kb: number; resident: number; name: string }
/** The maps blocks meminfo printed: one list of VMAs per meminfo line, with its pid. */
function mapsBlocks(text: string): { pid: number; comm: string; vmas: Vma[] }[] {
  const lines = text.split('\n');
  const blocks: { pid: number; comm: string; vmas: Vma[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^meminfo: pid (\d+) \((\w+)\): (\d+) VMAs/.exec(lines[i]!);
    if (!m) continue;
    const vmas: Vma[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const v = new RegExp(`^ {2}\\[${m[1]}\\] ([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-]p) +(\\d+) kB +(\\d+) resident {2}(.*)$`).exec(lines[j]!);
      if (!v) continue;
      vmas.push({ start: BigInt(`0x${v[1]}`), end: BigInt(`0x${v[2]}`), perm: v[3]!, kb: Number(v[4]), resident: Number(v[5]), name: v[6]! });
      if (vmas.length === Number(m[3])) break;
    }
    expect(vmas.length, lines[i]).toBe(Number(m[3]));
    blocks.push({ pid: Number(m[1]), comm: m[2]!, vmas });
  }
  return blocks;
}

const MB = 0x100000n;

const RUNS = [...(['sv39', 'sv48'] as const).map((satp) => ({ satp, on: 'rvhart' as const })),
  ...(['sv39', 'sv48'] as const).map((satp) => ({ satp, on: 'QEMU' as const }))];

for (const { satp, on } of RUNS) {
  // The same images on QEMU: every check but the one against rvhart's own trap counts.
  describe.skipIf(on === 'QEMU' && !haveQemu)(`bundled kernel's processes, ${satp} build, on ${on}`, () => {
    const run = on === 'rvhart' ? boot(satp) : haveQemu ? { ...bootQemu(satp), machine: undefined } : { text: '', code: undefined, machine: undefined };
    const t = run.text;

    it('runs init and its children to the end and shuts down with exit status 0', () => {
      expect(run.code, t).toBe(0);
      expect(t).toContain('processes: 6 user programs in the image: init');
      expect(t).toMatch(/^processes: init is pid 1; \d+ pages free before it started$/m);
      expect(t).toContain('init: pid 1, starting the children');
      expect(t).toContain('init: 8 children reaped, exiting');
      expect(t).toMatch(/^exit: pid 1 \(init\) status 0: /m);
      expect(t).toContain('idle: reaped pid 1, status 0');
      // Each child's status as init saw it: the three faulting ones killed (139), the rest 0.
      const statuses = new Map([...t.matchAll(/^init: child (\d+) exited, status (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
      expect(statuses.size).toBe(8);
      const killedPids = [...t.matchAll(/^kernel: killed pid (\d+) \(fault\)/gm)].map((m) => Number(m[1]));
      expect(killedPids.length).toBe(3);
      for (const [pid, status] of statuses) expect(status, `pid ${pid}`).toBe(killedPids.includes(pid) ? 139 : 0);
      expect(t).not.toMatch(/WRONG|FAILED|DEADLOCK/);
      expect(t).toMatch(/^self-checks: \d+ passed, 0 failed$/m);
    });

    it('kills only the faulting processes, each with a one-line report: pid, address, cause, the VMA or "no VMA"', () => {
      expect(t).toMatch(/^kernel: killed pid \d+ \(fault\): load page fault at 0x1000: no VMA$/m);
      expect(t).toMatch(/^kernel: killed pid \d+ \(fault\): store\/AMO page fault at 0x2000000000: not allowed by VMA 2000000000-2000001000 r-xp$/m);
      // The stack grew to its limit (128 KiB below 0x3ffffff000) and the next page down was refused.
      const s = /^kernel: killed pid \d+ \(fault\): store\/AMO page fault at 0x([0-9a-f]+): below the stack's limit, VMA 3ffffdf000-3ffffff000 rw-p$/m.exec(t);
      expect(s, t).not.toBeNull();
      expect(BigInt(`0x${s![1]}`) < 0x3ffffdf000n).toBe(true);
      expect(t).toMatch(/^faults: \d+ demand-zero, \d+ COW copy, \d+ COW reuse, \d+ stack growth, 3 killed, /m);
    });

    it('prints sorted, disjoint, page-aligned maps; the mmap is split by mprotect/munmap and merged again', () => {
      const blocks = mapsBlocks(t);
      expect(blocks.length).toBeGreaterThanOrEqual(5);
      for (const b of blocks) {
        for (const [i, v] of b.vmas.entries()) {
          expect(v.start % 4096n).toBe(0n);
          expect(v.end > v.start).toBe(true);
          expect(Number((v.end - v.start) / 1024n)).toBe(v.kb);
          expect(v.resident).toBeLessThanOrEqual(v.kb / 4);
          if (i > 0) expect(b.vmas[i - 1]!.end <= v.start, `pid ${b.pid}`).toBe(true);
          // Neighbours that touch and agree would have been merged (the stack never merges).
          if (i > 0 && b.vmas[i - 1]!.end === v.start && v.name !== '[stack]') expect(b.vmas[i - 1]!.perm !== v.perm || b.vmas[i - 1]!.name !== v.name).toBe(true);
        }
        expect(b.vmas.at(-1)!.name).toBe('[stack]');
        expect(b.vmas.at(-1)!.end).toBe(0x3ffffff000n);
        expect(b.vmas[0]).toMatchObject({ start: 0x2000000000n, perm: 'r-xp', name: b.comm });
      }
      // hog 2: 64 MiB at the mmap base, one page per MiB; mprotect(+16M, 16M, R), munmap(+40M, 8M).
      const base = BigInt(`0x${/^hog\[\d+\]: mmap 64 MiB at 0x([0-9a-f]+), one page per MiB touched \(64\), 0 wrong$/m.exec(t)![1]}`);
      expect(base).toBe(0x3000000000n);
      const hog2 = blocks.filter((b) => b.vmas.some((v) => v.start === base));
      expect(hog2.length).toBe(3);      // split, merged again, and after the two small mmaps
      const anon = (b: typeof hog2[number]) => b.vmas.filter((v) => v.start >= base && v.name === '').map((v) => [v.start - base, v.end - base, v.perm, v.resident]);
      expect(anon(hog2[0]!)).toEqual([[0n, 16n * MB, 'rw-p', 16], [16n * MB, 32n * MB, 'r--p', 16], [32n * MB, 40n * MB, 'rw-p', 8], [48n * MB, 64n * MB, 'rw-p', 16]]);
      expect(anon(hog2[1]!)).toEqual([[0n, 40n * MB, 'rw-p', 40], [48n * MB, 64n * MB, 'rw-p', 16]]);
      // Two adjacent 16 KiB mmaps became one VMA.
      expect(t).toMatch(/^hog\[\d+\]: two mmaps of 16 KiB at 0x3000000000 and 0x3000004000: adjacent, one VMA$/m);
      expect(anon(hog2[2]!)).toEqual([[0n, 0x8000n, 'rw-p', 0]]);
      // hog 1: the heap is its own VMA ([heap], 64 pages resident) and the stack grew beyond one page.
      const hog1 = blocks.find((b) => b.vmas.some((v) => v.name === '[heap]'))!;
      expect(hog1.vmas.find((v) => v.name === '[heap]')).toMatchObject({ kb: 256, resident: 64, perm: 'rw-p' });
      expect(hog1.vmas.at(-1)!.kb).toBeGreaterThan(4);
      expect(t).toMatch(/^hog\[\d+\]: brk back to 0x[0-9a-f]+: 48 pages given back$/m);
      // Every process's maps at its exit, then its exit line: as many VMAs as it freed.
      for (const pid of [...t.matchAll(/^exit: pid (\d+) /gm)].map((m) => m[1])) {
        const at = new RegExp(`^maps of pid ${pid} \\(\\w+\\) at exit:\\n((?: {2}\\[${pid}\\] .*\\n)+)exit: pid ${pid} \\(\\w+\\) status \\d+: unmapped (\\d+) pages, freed (\\d+) VMAs`, 'm').exec(t);
        expect(at, `pid ${pid}`).not.toBeNull();
        const lines = at![1]!.trimEnd().split('\n');
        expect(lines.length).toBe(Number(at![3]));
        expect(lines.reduce((a, l) => a + Number(/(\d+) resident/.exec(l)![1]), 0)).toBe(Number(at![2]));
      }
    });

    it('counts faults by kind consistently: the totals are the sums over the processes\' exits', () => {
      const exits = [...t.matchAll(/^exit: pid (\d+) \((\w+)\) status (\d+): unmapped (\d+) pages, freed (\d+) VMAs and (\d+) page tables; its faults: (\d+) demand-zero, (\d+) COW copy, (\d+) COW reuse, (\d+) stack growth$/gm)];
      expect(exits.length).toBe(12);
      const sum = (k: number) => exits.reduce((a, m) => a + Number(m[k]), 0);
      const total = /^faults: (\d+) demand-zero, (\d+) COW copy, (\d+) COW reuse, (\d+) stack growth, 3 killed, 0 spurious$/m.exec(t)!;
      expect(total, t).not.toBeNull();
      expect([sum(7), sum(8), sum(9), sum(10)]).toEqual([1, 2, 3, 4].map((i) => Number(total[i])));
      // Page tables: every one freed at exit is counted in the leak line.
      const leak = /^leak check: 0 task_struct\/mm_struct\/vm_area_struct objects left, \d+ empty slabs shrunk, (\d+) page tables freed at exit; (\d+) pages free \((\d+) before init\); buddy free lists identical to before the first process$/m.exec(t);
      expect(leak, t).not.toBeNull();
      expect(Number(leak![1])).toBe(sum(6));
      expect(leak![2]).toBe(leak![3]);
      // Forks: the pages shared add up, and every shared page written was copied or reused.
      const forks = [...t.matchAll(/^fork: pid \d+ \((\w+)\) -> pid (\d+): \d+ VMAs copied, (\d+) pages shared copy-on-write$/gm)];
      expect(forks.length).toBe(11);
      const shared = forks.reduce((a, m) => a + Number(m[3]), 0);
      expect(t).toContain(`fork: ${shared} pages shared copy-on-write, ${total[2]} of them copied on a write, ${total[3]} written in place (last holder)`);
      // The COW tree: four processes wrote the same 32 heap pages — 3 copies and 1 reuse per page at least.
      const tree = new Set(forks.filter((m) => m[1] === 'hog').map((m) => Number(m[2])));
      expect(tree.size).toBe(3);
      const treeExits = exits.filter((m) => tree.has(Number(m[1])));
      for (const m of treeExits) expect(Number(m[8]) + Number(m[9])).toBeGreaterThanOrEqual(32);
      expect(t.match(/^hog\[\d+\]: fork tree rank \d wrote its 32 shared pages, 0 wrong$/gm)?.length).toBe(4);
    });

    it.skipIf(on === 'QEMU')('agrees with the emulator: system calls are the ecalls from U-mode, preemptions the timer interrupts', () => {
      const summary = /^processes: all exited after \d+ ticks: 11 forks, 9 execs, 12 exits, (\d+) system calls, (\d+) context switches, (\d+) timer preemptions$/m.exec(t);
      expect(summary, t).not.toBeNull();
      const counts = run.machine!.hart.trapCounts;
      expect(counts.get('8')).toBe(Number(summary![1]));
      // One supervisor timer interrupt is the SBI TIME demonstration's; the rest preempted processes.
      expect((counts.get('irq:5') ?? 0) - 1).toBe(Number(summary![3]));
      expect(Number(summary![3])).toBeGreaterThan(0);
      const asid = /^asid: (\d+) assigned, (\d+) rollovers \(one full TLB flush each\), (\d+) satp switches without a flush$/m.exec(t);
      expect(asid, t).not.toBeNull();
      expect(Number(asid![2])).toBeGreaterThanOrEqual(1);
      expect(Number(asid![1])).toBeGreaterThan(14);
    });

    it('an orphan (hello\'s child, still yielding when hello exits) is given to init, which reaps it', () => {
      const m = /^exit: pid (\d+)'s child (\d+) \(hello\) given to pid 1 \(init\)$/m.exec(t);
      expect(m, t).not.toBeNull();
      const orphan = m![2]!;
      expect(t).toContain(`hello[${orphan}]: the child, still running after its parent exited`);
      expect(t.indexOf(`hello[${orphan}]: the child`)).toBeGreaterThan(t.indexOf(`exit: pid ${m![1]} (hello) status 0`));
      expect(t).toContain(`init: child ${orphan} exited, status 0`);
    });

    it('execve keeps the pid and replaces the address space', () => {
      const execer = /^execer\[(\d+)\]: execve\("hello", 42\)$/m.exec(t);
      expect(execer, t).not.toBeNull();
      expect(t).toContain(`hello[${execer![1]}]: argument 42, running in the address space execve built`);
      expect(t).toContain(`execve: pid ${execer![1]} runs hello(42): 4 VMAs, 3 pages copied from the image`);
    });
  });
}

describe('proc-bench=N (the processes\' benchmark, tests/bench/kernel-proc.ts)', () => {
  it('runs bench as pid 1: instructions per fork+exit+wait, demand-zero, COW copy and COW reuse fault; nothing leaks', () => {
    const { text, code } = boot('sv39', 'proc-bench=4');
    expect(code, text).toBe(0);
    expect(text).toMatch(/^processes: bench is pid 1; /m);
    for (const re of [/^proc-bench: fork\+exit\+wait (\d+) instructions per round trip \(4 rounds\)$/m, /^proc-bench: demand-zero fault (\d+) instructions per page \(4 pages\)$/m,
      /^proc-bench: COW copy fault (\d+) instructions per page \(4 pages\)$/m, /^proc-bench: COW reuse fault (\d+) instructions per page \(4 pages\)$/m]) {
      const m = re.exec(text);
      expect(m, text).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThan(100);
    }
    // Quiet: no per-process lines while timing; the totals and the leak check still printed.
    expect(text).not.toMatch(/^(fork|exit|execve): pid/m);
    expect(text).toMatch(/^processes: all exited after \d+ ticks: 5 forks, 1 execs, 6 exits, /m);
    // 4 timed pages and the stack page the fork loop first wrote.
    expect(text).toMatch(/^faults: 5 demand-zero, \d+ COW copy, \d+ COW reuse, 0 stack growth, 0 killed, 0 spurious$/m);
    expect(text).toContain('buddy free lists identical to before the first process');
    expect(text).toMatch(/^self-checks: \d+ passed, 0 failed$/m);
  });
});
