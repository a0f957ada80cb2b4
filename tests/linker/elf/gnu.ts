// Test helper: the Debian RISC-V binutils, when installed. Tests that need them skip with a message.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTempDir } from '../../helpers/tmp.js';

const PREFIX = 'riscv64-unknown-elf-';

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

export const haveBinutils = has(`${PREFIX}as`) && has(`${PREFIX}ld`) && has(`${PREFIX}readelf`);
let warned = false;
export function warnIfNoBinutils(): void {
  if (!haveBinutils && !warned) {
    warned = true;
    console.warn(`skipping GNU comparison tests: ${PREFIX}as/ld/readelf not found (apt install binutils-riscv64-unknown-elf)`);
  }
}

/** Each tool run works in its own temporary folder, removed before it returns. */
const inTempDir = <T>(f: (dir: string) => T): T => withTempDir('rvhart-link-', f);

/** Assembles with GNU as (rv64imac, lp64, no relaxation); returns the ET_REL bytes. */
export function gnuAssemble(source: string, name = 'in.s', rvc = true): Uint8Array {
  return inTempDir((dir) => {
    const src = join(dir, name);
    const obj = join(dir, name.replace(/\.s$/, '.o'));
    writeFileSync(src, source);
    execFileSync(`${PREFIX}as`, [`-march=rv64ima${rvc ? 'c' : ''}_zicsr_zifencei`, '-mabi=lp64', '-mno-relax', '-o', obj, src]);
    return new Uint8Array(readFileSync(obj));
  });
}

/** Assembles and links with GNU as + ld; returns the ET_EXEC bytes. */
export function gnuLink(sources: Record<string, string>, script?: string): Uint8Array {
  return inTempDir((dir) => {
    const objs: string[] = [];
    for (const [name, text] of Object.entries(sources)) {
      const src = join(dir, name);
      writeFileSync(src, text);
      const obj = src.replace(/\.s$/, '.o');
      execFileSync(`${PREFIX}as`, ['-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-mno-relax', '-o', obj, src]);
      objs.push(obj);
    }
    const out = join(dir, 'a.elf');
    const args = ['--no-relax', '-o', out, ...objs];
    if (script !== undefined) {
      writeFileSync(join(dir, 'script.ld'), script);
      args.unshift('-T', join(dir, 'script.ld'));
    }
    execFileSync(`${PREFIX}ld`, args);
    return new Uint8Array(readFileSync(out));
  });
}

/** Runs a binutils tool on bytes written to a temp file; returns stdout and stderr. */
export function gnuTool(tool: string, args: string[], bytes: Uint8Array): { stdout: string; stderr: string } {
  return inTempDir((dir) => {
    const file = join(dir, 'x.elf');
    writeFileSync(file, bytes);
    const r = spawnSync(`${PREFIX}${tool}`, [...args, file], { encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr };
  });
}
