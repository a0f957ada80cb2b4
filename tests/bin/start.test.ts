// `npm start` = `rvhart boot` with no image: builds the bundled firmware and kernel into build/ when
// stale and boots them; `--satp sv48` boots the Sv48 build. These run the real CLI (dist/).

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, rvhart } from '../helpers/cli.js';

const KEY_LINES = [
  /^rvhart firmware: SBI v2\.0 in M-mode; PMP denies S\/U /m,
  /^rvhart kernel: S-mode at 0x80200000, hart 0, device tree at 0x[0-9a-f]+$/m,
  /^ {2}high alias of RAM: 0xffffffc000000000\.\.0xffffffc040000000 -> 0x80000000 RW- \(1 GiB\): 1 block of 1 GiB \((PGD|PUD)\); la2pa ok$/m,
  /^ {2}vm_alloc 8M-12M: fails, overlaps 11M-13M$/m,
  /^lazy faults: touched them again: 0 page faults, writes persisted: yes$/m,
  /^PMP: S-mode load from firmware memory at 0x80000000 .*stopped by PMP as expected$/m,
  /^self-checks: \d+ passed, 0 failed$/m,
  /^shutdown: SBI system_reset\(shutdown, no reason\) -> exit status 0$/m,
];

describe('npm start / rvhart boot (bundled kernel)', () => {
  it('npm start builds if needed, boots the Sv39 kernel, prints the transcript, exits 0', () => {
    const r = spawnSync('npm', ['start', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const re of KEY_LINES) expect(r.stdout).toMatch(re);
    expect(r.stdout).toMatch(/^page tables: Sv39 \(3 levels\)/m);
  });

  it('rvhart boot --satp sv48 boots the Sv48 build', () => {
    const r = rvhart(['boot', '--satp', 'sv48'], { timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    for (const re of KEY_LINES) expect(r.stdout).toMatch(re);
    expect(r.stdout).toMatch(/^satp <- 0x9000100000[0-9a-f]+ \(Sv48, ASID 1/m);
  });

  it('a paging mode the bundled kernel has no build for is a usage error, one line', () => {
    const r = rvhart(['boot', '--satp', 'sv57']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('rvhart: --satp sv57: expected sv39 or sv48\n');
  });

  it('a board without Sv48 refuses the Sv48 build\'s satp, and the kernel fails cleanly', () => {
    const r = rvhart(['boot', '--satp', 'sv48', '--satp-modes', 'bare,sv39'], { timeout: 300_000 });
    expect(r.stdout).toMatch(/REFUSED by the hart \(mode not supported\)/);
    expect(r.stdout).toContain('SELF-CHECK FAILED: satp accepted');
    expect(r.status).toBe(1);
  });

  it('rvhart build --satp sv48 (no files) builds the bundled images and names them', () => {
    const r = rvhart(['build', '--satp', 'sv48'], { timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/firmware\.elf$/), expect.stringMatching(/kernel-sv48\.elf$/)]);
  });
});
