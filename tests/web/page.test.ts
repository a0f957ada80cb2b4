// The web page in a real browser (DESIGN §11): `rvhart web` builds build/web, a small server serves
// it on 127.0.0.1, headless Chromium (Debian's, driven by playwright-core) opens it, the page boots
// the bundled kernel, and the DOM is checked: the console's transcript, the page table (the 1 GiB
// high alias, the 2 MiB RAM blocks), a three-level walk of 0x80200000, the trap log; then run
// control (step, run to a symbol) and an ELF opened on the page. Screenshots are kept in
// build/web-artifacts/. Skips with a message when /usr/bin/chromium is absent.

import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, serveDir } from '../../bin/web.js';
import { buildElf } from '../helpers/build-asm.js';
import { CHROMIUM, haveChromium, launchChromium, type LaunchedChromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/cli.js';

const HAVE = haveChromium();
if (!HAVE) console.log(`tests/web: skipped, ${CHROMIUM} is absent (apt-get install chromium)`);

const ARTIFACTS = join(ROOT, 'build', 'web-artifacts');
/** The bundled kernel's last line (tests/bin/start.test.ts). */
const LAST_LINE = 'shutdown: SBI system_reset(shutdown, no reason) -> exit status 0';

describe.skipIf(!HAVE)('the web page in headless Chromium', () => {
  let server: Server, chromium: LaunchedChromium | undefined, page: Page, url: string;
  const errors: string[] = [];

  beforeAll(async () => {
    const out = await buildWeb();
    server = await serveDir(out, 0);
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await chromium?.close();
    await new Promise((r) => server ? server.close(r) : r(undefined));
  });

  const text = async (sel: string): Promise<string> => (await page.textContent(sel)) ?? '';
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('boots the bundled kernel: the console ends with the transcript\'s last line', async () => {
    await page.goto(url);
    await page.waitForFunction((line) => document.getElementById('console')?.textContent?.includes(line), LAST_LINE, { timeout: 20_000 });
    await page.waitForSelector('#status[data-state="exited"]');
    await shot('booted');
    expect(await text('#console')).toMatch(/^rvhart kernel: S-mode at 0x80200000/m);
    expect((await text('#console')).trimEnd().split('\n').pop()).toBe(LAST_LINE);
    expect(await text('#status')).toMatch(/^exited, code 0 · [\d,]+ insns/);
    expect(await text('#shell')).toContain('[Inferior 1 (process 1) exited normally]');
    expect(errors).toEqual([]);
  });

  it('the page table lists the 1 GiB high alias and the 2 MiB RAM blocks, and draws them', async () => {
    const mappings = await text('#mappings');
    expect(mappings).toMatch(/^Sv39 page table at 0x[0-9a-f]{16}/);
    expect(mappings).toMatch(/0xffffffc000000000-0xffffffc03fffffff 0x0000000080000000 +1 GiB +rw--g?ad +1 GiB block/);
    expect(mappings).toMatch(/0x0000000080[0-9a-f]{6}-0x0000000087ffffff 0x0000000080[0-9a-f]{6} +\d+ MiB +rw--g?ad +2 MiB block x\d+/);
    expect(await page.locator('#page-table svg [data-va]').count()).toBeGreaterThan(3);
    expect(await page.locator('#frames svg').count()).toBe(1);
    expect(await page.locator('#tlb svg').count()).toBe(1);
  });

  it('a walk of 0x80200000 shows three levels to a 4 KiB page', async () => {
    const walk = await text('#walk');
    expect(walk).toMatch(/^walk 0x0000000080200000 <_start_kernel>: Sv39/);
    for (const level of [2, 1, 0]) expect(walk).toMatch(new RegExp(`^ {2}level ${level}: VPN\\[${level}\\]`, 'm'));
    expect(walk).toMatch(/=> PA 0x0000000080200000 <_start_kernel> \(4 KiB page, level 0\)/);
  });

  it('the Sv48 build, chosen on the page, walks four levels', async () => {
    await page.selectOption('#kernel', 'sv48');
    await page.waitForURL(/satp=sv48/);
    await page.waitForSelector('#status[data-state="exited"]', { timeout: 20_000 });
    expect((await text('#console')).trimEnd().split('\n').pop()).toBe(LAST_LINE);
    expect(await text('#mappings')).toMatch(/^Sv48 page table at /);
    const walk = await text('#walk');
    for (const level of [3, 2, 1, 0]) expect(walk).toMatch(new RegExp(`^ {2}level ${level}: VPN\\[${level}\\]`, 'm'));
    expect(walk).toMatch(/=> PA 0x0000000080200000 <_start_kernel> \(4 KiB page, level 0\)/);
    await shot('sv48');
    await page.goto(url);
    await page.waitForSelector('#status[data-state="exited"]', { timeout: 20_000 });
  });

  it('a VA typed, or a mapping clicked, is walked', async () => {
    await page.fill('#walk-va', '0xffffffc000200000');
    await page.press('#walk-va', 'Enter');
    await page.waitForFunction(() => document.getElementById('walk')?.textContent?.startsWith('walk 0xffffffc000200000'));
    expect(await text('#walk')).toMatch(/level 2: .* leaf, 1 GiB page at 0x80000000/);
    expect(await text('#walk')).toMatch(/=> PA 0x0000000080200000 <_start_kernel>/);
    await page.click('#mappings [data-va="0x0000000080200000"]');
    await page.waitForFunction(() => document.getElementById('walk')?.textContent?.startsWith('walk 0x0000000080200000'));
  });

  it('the trap log shows the traps taken, who handled them', async () => {
    expect(await text('#trap-summary')).toMatch(/^\d+ traps taken/);
    const rows = await page.locator('#traps tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.some((r) => /load-page-fault \(cause 13\)S → S/.test(r) || /page-fault \(cause 1[35]\)[SU] → S/.test(r))).toBe(true);
    expect(rows.some((r) => /ecall-from-s \(cause 9\)S → M/.test(r))).toBe(true);
  });

  it('reset, step and run to a symbol: registers, disassembly and the shell follow', async () => {
    await page.click('#reset');
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await text('#console')).toBe('');
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('shell')?.textContent?.includes('si\n'));
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await text('#status')).toMatch(/· 1 insns · M-mode, pc 0x1004/);
    expect(await text('#disasm .current')).toMatch(/^=> 0x0000000000001004:/);
    // A name that is no symbol sets nothing and runs nothing.
    await page.fill('#symbol', 'no_such_function');
    await page.click('#run-to');
    await page.waitForFunction(() => document.getElementById('shell')?.textContent?.includes('tbreak no_such_function\n'));
    await page.waitForSelector('#status[data-state="paused"]');
    expect((await text('#shell')).split('tbreak no_such_function\n')[1]).not.toContain('Continuing.');
    expect(await text('#status')).toMatch(/· 1 insns ·/);
    await page.fill('#symbol', '__create_pgd_mapping');
    await page.click('#run-to');
    await page.waitForFunction(() => /Temporary breakpoint 1, 0x[0-9a-f]+ in __create_pgd_mapping \(\)/.test(document.getElementById('shell')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await text('#status')).toMatch(/S-mode, pc 0x[0-9a-f]+ <__create_pgd_mapping>/);
    expect(await text('#disasm .current')).toMatch(/<__create_pgd_mapping>:/);
    // Each register row carries its whole `info registers` line as its tooltip.
    const lines = (sel: string): Promise<string> => page.$$eval(`${sel} .reg`, (rows) => rows.map((r) => r.getAttribute('title')).join('\n'));
    expect(await lines('#registers')).toMatch(/^pc {13}0x[0-9a-f]+ +0x[0-9a-f]+ <__create_pgd_mapping>$/m);
    // The kernel builds its tables before it writes satp.
    expect(await lines('#csrs')).toMatch(/^satp {11}0x0 +MODE=Bare ASID=0/m);
    expect(await page.innerText('#registers')).toMatch(/^pc\s+0x[0-9a-f]+\s+<__create_pgd_mapping>$/m);
    await shot('at-create-pgd-mapping');
    // A breakpoint by symbol, listed, hit on continue.
    await page.fill('#symbol', 'kmain');
    await page.click('#break');
    await page.waitForFunction(() => document.getElementById('breakpoints')?.textContent?.includes('<kmain>'));
    expect(errors).toEqual([]);
  });

  it('a long run redraws while it runs, pauses, and continues to the end', async () => {
    // 30,000 lazy page faults (about all the free frames): some 125 M instructions, seconds in the browser.
    await page.goto(`${url}?bootargs=fault-storm=30000`);
    await page.waitForSelector('#status[data-state="running"]');
    const insns = async (): Promise<number> => Number(/([\d,]+) insns/.exec(await text('#status'))![1]!.replace(/,/g, ''));
    const first = await insns();
    await page.waitForFunction((n) => Number(/([\d,]+) insns/.exec(document.getElementById('status')?.textContent ?? '')?.[1]?.replace(/,/g, '')) > n, first);
    await page.click('#pause');
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await text('#shell')).toContain('Program received signal SIGINT, Interrupt.');
    const paused = await insns();
    expect(paused).toBeGreaterThan(first);
    await shot('paused-in-fault-storm');
    // A store page fault's tval, clicked, is walked: the lazily mapped page is there now. (Not the
    // newest: the pause may have come while the kernel handles it.)
    const tval = page.locator('#traps td[data-va]').nth(1);
    const va = (await tval.getAttribute('data-va'))!;
    await tval.click();
    await page.waitForFunction((v) => document.getElementById('walk')?.textContent?.startsWith(`walk 0x${BigInt(v).toString(16).padStart(16, '0')}`), va);
    expect(await text('#walk')).toMatch(/level 0: .* leaf, 4 KiB page at/);
    await page.click('#run');
    await page.waitForSelector('#status[data-state="exited"]', { timeout: 30_000 });
    expect(await text('#console')).toMatch(/^fault storm: 30000 page faults handled in \d+ ticks, area freed$/m);
    expect((await text('#console')).trimEnd().split('\n').pop()).toBe(LAST_LINE);
    expect(await text('#trap-summary')).toMatch(/^3\d{4} traps taken; the last 100 shown/);
    expect(errors).toEqual([]);
  });

  it('an ELF opened on the page boots alone from the boot ROM (bios none) and prints', async () => {
    const elf = buildElf(`
  .globl _start
_start:
  li t0, 0x10000000
  la t1, msg
1:lbu t2, 0(t1)
  beqz t2, 2f
  sb t2, 0(t0)
  addi t1, t1, 1
  j 1b
2:li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
3:j 3b
msg: .asciz "hello from a dropped ELF\\n"
`, 'hello.s');
    await page.setInputFiles('#file', { name: 'hello.elf', mimeType: 'application/octet-stream', buffer: Buffer.from(elf) });
    await page.waitForSelector('#status[data-state="exited"]');
    expect(await text('#console')).toBe('hello from a dropped ELF\n');
    expect(await text('#image')).toBe('hello.elf');
    expect(await text('#mappings')).toBe('satp.MODE is Bare: no page table (virtual = physical).');
    await shot('dropped-elf');
    expect(errors).toEqual([]);
  });

  it('opened from file://, the page says how to open it, and still boots an ELF opened on it', async () => {
    await page.goto(pathToFileURL(join(ROOT, 'build', 'web', 'index.html')).href);
    await page.waitForSelector('#status[data-state="error"]');
    expect(await text('#status')).toBe('cannot fetch firmware.elf: open the page through rvhart web --serve (or drop an ELF here)');
    const elf = buildElf(`
  .globl _start
_start:
  li t0, 0x10000000
  li t1, 'k'
  sb t1, 0(t0)
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1:j 1b
`, 'k.s');
    await page.setInputFiles('#file', { name: 'k.elf', mimeType: 'application/octet-stream', buffer: Buffer.from(elf) });
    await page.waitForSelector('#status[data-state="exited"]');
    expect(await text('#console')).toBe('k');
    await page.goto(url);
    await page.waitForSelector('#status[data-state="exited"]', { timeout: 20_000 });
  });

  it('a file that is no ELF is refused in one line, naming it', async () => {
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image\n') });
    await page.waitForSelector('#status[data-state="error"]');
    expect(await text('#status')).toBe('notes.txt: offset 0x0: not an ELF file (bad magic, expected 7f 45 4c 46)');
  });

  it('a hart idle in WFI is shown as such while it waits', async () => {
    const elf = buildElf(`
  .globl _start
_start:
1:wfi
  j 1b
`, 'wfi.s');
    await page.setInputFiles('#file', { name: 'wfi.elf', mimeType: 'application/octet-stream', buffer: Buffer.from(elf) });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('idle in WFI'));
    expect(await page.getAttribute('#status', 'data-state')).toBe('running');
    await page.click('#pause');
    await page.waitForSelector('#status[data-state="paused"]');
    expect(await text('#status')).not.toContain('idle in WFI');
  });

  it('keys typed into the console reach the UART', async () => {
    // Echoes what it reads until 'q', then powers off.
    const elf = buildElf(`
  .globl _start
_start:
  li t0, 0x10000000
1:lbu t1, 5(t0)
  andi t1, t1, 1
  beqz t1, 1b
  lbu t2, 0(t0)
  li t3, 'q'
  beq t2, t3, 2f
  sb t2, 0(t0)
  j 1b
2:li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
3:j 3b
`, 'echo.s');
    await page.setInputFiles('#file', { name: 'echo.elf', mimeType: 'application/octet-stream', buffer: Buffer.from(elf) });
    await page.waitForSelector('#status[data-state="running"]');
    await page.click('#console');
    await page.keyboard.type('hi there');
    await page.waitForFunction(() => document.getElementById('console')?.textContent === 'hi there');
    await page.keyboard.type('q');
    await page.waitForSelector('#status[data-state="exited"]');
    expect(await text('#console')).toBe('hi there');
  });
});
