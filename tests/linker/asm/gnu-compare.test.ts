// The acceptance test of the assembler: our section bytes equal GNU as's, byte for byte, on a corpus
// using every table instruction, every pseudo-instruction and directive, with .option rvc and norvc.
// Needs riscv64-unknown-elf-as and -objcopy; skips with a message when they are absent.

import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../../../linker/asm/assemble.js';
import type { ObjectFile } from '../../../linker/object.js';
import { tableCorpus, HANDWRITTEN } from './corpus.js';

const AS = 'riscv64-unknown-elf-as';
const have = (() => { try { execFileSync(AS, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
if (!have) console.warn(`gnu-compare: ${AS} not found; skipping the GNU comparison (install binutils-riscv64-unknown-elf)`);

// Every extension of the table binutils 2.40 knows (Zicond and Zihintntl it does not).
const MARCH = '-march=rv64imafdc_zicsr_zifencei_zba_zbb_zbs_zicbom_zicboz_zicbop_zihintpause';

interface Cmp { section: string; ours: Buffer; ref: Buffer }

function compareWithGnu(source: string, name: string): { obj: ObjectFile; results: Cmp[]; relocs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-asm-'));
  try {
    const src = join(dir, `${name}.s`), obj = join(dir, `${name}.o`), bin = join(dir, 'sec.bin');
    writeFileSync(src, source);
    const ours = assemble(source, src);
    execFileSync(AS, [MARCH, '-mabi=lp64', '-mno-relax', src, '-o', obj]);
    const results: Cmp[] = [];
    for (const s of ours.sections) {
      if (s.type === 'nobits') continue;
      execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', '-j', s.name, obj, bin]);
      results.push({ section: s.name, ours: Buffer.from(s.data), ref: readFileSync(bin) });
    }
    const relocs = execFileSync('riscv64-unknown-elf-readelf', ['-rW', obj], { encoding: 'utf8' });
    return { obj: ours, results, relocs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstDiff(c: Cmp): string {
  for (let i = 0; i < Math.max(c.ours.length, c.ref.length); i++) {
    if (c.ours[i] !== c.ref[i]) return `${c.section}+0x${i.toString(16)}: ours ${c.ours.subarray(i, i + 8).toString('hex')} GNU ${c.ref.subarray(i, i + 8).toString('hex')}`;
  }
  return 'same';
}

/** Relocations GNU lists as (offset, type) pairs, for sections we also have. */
function gnuRelocs(readelf: string): Set<string> {
  const out = new Set<string>();
  let sec = '';
  for (const line of readelf.split('\n')) {
    const m = /Relocation section '\.rela(\S+)'/.exec(line);
    if (m) { sec = m[1]!; continue; }
    const r = /^([0-9a-f]{8,16})\s+[0-9a-f]+\s+(R_RISCV_\w+)/.exec(line.trim());
    if (r && r[2] !== 'R_RISCV_RELAX') out.add(`${sec}+${parseInt(r[1]!, 16).toString(16)} ${r[2]}`);
  }
  return out;
}

describe.skipIf(!have)('assembler vs GNU as (byte-exact)', () => {
  for (const rvc of [true, false]) {
    const opt = rvc ? '.option rvc' : '.option norvc';
    it(`every table instruction, ${opt}`, () => {
      const { results } = compareWithGnu(`${opt}\n${tableCorpus(rvc)}`, `table-${rvc ? 'rvc' : 'norvc'}`);
      for (const c of results) expect(firstDiff(c), c.section).toBe('same');
      const text = results.find((c) => c.section === '.text')!;
      console.log(`gnu-compare ${opt}: table corpus .text ${text.ours.length} bytes identical`);
    });
    it(`pseudo-instructions and directives, ${opt}`, () => {
      const { obj, results, relocs } = compareWithGnu(`${opt}\n${HANDWRITTEN}`, `hand-${rvc ? 'rvc' : 'norvc'}`);
      for (const c of results) expect(firstDiff(c), c.section).toBe('same');
      // Every relocation we emit is one GNU emits at the same place with the same type.
      const ref = gnuRelocs(relocs);
      for (const s of obj.sections) for (const r of s.relocs) expect(ref.has(`${s.name}+${r.offset.toString(16)} ${r.type}`), `${s.name}+${r.offset.toString(16)} ${r.type}`).toBe(true);
      console.log(`gnu-compare ${opt}: handwritten corpus ${results.map((c) => `${c.section} ${c.ours.length}`).join(', ')} bytes identical`);
    });
  }
});
