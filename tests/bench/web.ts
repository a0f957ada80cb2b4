// `npm run bench`, the browser: the same workload (tests/bench/web-workload.ts: the bundled kernel's
// boot, and its page-fault storm) timed in Node and in headless Chromium (Debian's, driven by
// playwright-core), the browser's code bundled by esbuild as the page's is:
//   - warm: rounds alternate between Node and one Chromium page, the first of each dropped;
//   - first runs, as a person meets them (a cold JIT): the kernel boot in a fresh Node process, in a
//     fresh page, and in the built page itself (build/web, booting at load; its status reports the
//     run's speed, redraws included); then the page paused, settled and Run on a long storm.
// Prints MIPS (best / median) and time ratios of the medians. Skipped with a message when
// /usr/bin/chromium is absent. Runnable alone: node dist/tests/bench/web.js (after npm run build).

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBundled, repoRoot } from '../../bin/bundled.js';
import { buildWeb, serveDir } from '../../bin/web.js';
import { CHROMIUM, haveChromium, launchChromium } from '../helpers/chromium.js';
import { bootRounds, type BootRun } from './web-workload.js';


/** The page itself (build/web: redraws while running included) runs a longer storm, PAGE_ROUNDS times:
 *  each page run is a first (cold) run, which a short workload would mostly measure. */
const PAGE_BOOTARGS = 'fault-storm=30000', PAGE_ROUNDS = 3;
/** First runs of the plain kernel boot, each in a fresh Node process, a fresh page, and the page. */
const FIRST_ROUNDS = 3;

const WORKLOADS: readonly { name: string; bootargs?: string; rounds: number }[] = [
  { name: 'kernel boot', rounds: 7 },
  { name: 'page-fault storm (8192 faults)', bootargs: 'fault-storm=8192', rounds: 5 },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};

/** MIPS per round, the first (warm-up) round dropped. */
const mips = (runs: BootRun[]): number[] => runs.slice(1).map((r) => r.insns / r.ms / 1e3);

/** The workload module bundled for the browser: it sets globalThis.bootRounds. */
async function browserBundle(root: string): Promise<string> {
  const { build } = await import('esbuild');
  const r = await build({
    stdin: { contents: "import { bootRounds } from './tests/bench/web-workload.ts'; (globalThis as { bootRounds?: unknown }).bootRounds = bootRounds;", resolveDir: root, loader: 'ts' },
    bundle: true, write: false, platform: 'browser', format: 'esm', target: 'es2022', logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

/** A first run in a fresh Node process (as `rvhart boot` runs an image): MIPS. */
function nodeFirstRun(firmware: string, kernel: string, bootargs: string | undefined): number {
  const workload = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'web-workload.js')).href;
  const script = `import { bootRounds } from ${JSON.stringify(workload)}; import { readFileSync } from 'node:fs';
const [r] = bootRounds(readFileSync(process.argv[1]), readFileSync(process.argv[2]), ${JSON.stringify(bootargs)}, 1);
process.stdout.write(String(r.insns / r.ms / 1e3));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script, firmware, kernel], { encoding: 'utf8' }));
}

/** The built page, fresh, runs `bootargs`: automatically at load (`auto`), or paused, settled, then Run
 *  as a person starts it. The speed its status reports (redraws while running included). */
async function pageRun(browser: Browser, port: number, bootargs: string | undefined, auto: boolean): Promise<number | undefined> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  try {
    const query = [auto ? '' : 'paused', bootargs ? `bootargs=${bootargs}` : ''].filter(Boolean).join('&');
    await page.goto(`http://127.0.0.1:${port}/?${query}`);
    if (!auto) {
      await page.waitForSelector('#status[data-state="paused"]');
      await page.waitForTimeout(300);
      await page.click('#run');
    }
    await page.waitForSelector('#status[data-state="exited"]', { timeout: 120_000 });
    const m = /the last run: [\d.]+ M in [\d.]+ s, ([\d.]+) MIPS/.exec((await page.textContent('#status')) ?? '');
    return m ? Number(m[1]) : undefined;
  } finally {
    await page.close();
  }
}

/** First runs (what a person meets: a cold JIT), the page's included, and the page on a long storm. */
async function firstRuns(browser: Browser, code: string, images: { firmware: string; kernel: string }, fw: Uint8Array, k: Uint8Array): Promise<void> {
  const fmt = (xs: number[]): string => `${Math.max(...xs).toFixed(1)} / ${median(xs).toFixed(1)}`;
  const server = await serveDir(await buildWeb(), 0);
  try {
    const addr = server.address(), port = typeof addr === 'object' && addr ? addr.port : 0;
    const node: number[] = [], core: number[] = [], page: number[] = [];
    for (let i = 0; i < FIRST_ROUNDS; i++) {
      node.push(nodeFirstRun(images.firmware, images.kernel, undefined));
      const p = await browser.newPage();
      await p.goto('about:blank');
      await p.addScriptTag({ content: code, type: 'module' });
      await p.waitForFunction(() => typeof (globalThis as { bootRounds?: unknown }).bootRounds === 'function');
      const [r] = await p.evaluate(([f, kk]) =>
        (globalThis as unknown as { bootRounds: typeof bootRounds }).bootRounds(new Uint8Array(f), new Uint8Array(kk), undefined, 1), [[...fw], [...k]] as const);
      await p.close();
      core.push(r!.insns / r!.ms / 1e3);
      const web = await pageRun(browser, port, undefined, true);
      if (web !== undefined) page.push(web);
    }
    console.log(`${'kernel boot, first run'.padEnd(32)} MIPS best / median: Node (fresh process) ${fmt(node)}, Chromium (fresh page) ${fmt(core)}, ` +
      `the page (at load) ${page.length ? fmt(page) : '-'}; page time / Node time ${page.length ? (median(node) / median(page)).toFixed(2) : '-'}x (median)`);
    // Alternating, so a change in the machine's load falls on both.
    const nodeCold: number[] = [], warm: number[] = [], runs: number[] = [];
    for (let i = 0; i < PAGE_ROUNDS; i++) {
      nodeCold.push(nodeFirstRun(images.firmware, images.kernel, PAGE_BOOTARGS));
      warm.push(...mips(bootRounds(fw, k, PAGE_BOOTARGS, 2)));
      const r = await pageRun(browser, port, PAGE_BOOTARGS, false);
      if (r !== undefined) runs.push(r);
    }
    if (runs.length === 0) { console.log('the page: no speed in its status'); return; }
    console.log(`${`the page: Run, ${PAGE_BOOTARGS}`.padEnd(32)} MIPS best / median: the page ${fmt(runs)} (a first run each, redraws included), ` +
      `Node first run in a fresh process ${fmt(nodeCold)}, Node warm ${fmt(warm)}; ` +
      `page time / Node time ${(median(nodeCold) / median(runs)).toFixed(2)}x (first runs), ${(median(warm) / median(runs)).toFixed(2)}x (against warm)`);
  } finally {
    server.close();
  }
}

export async function printBench(): Promise<void> {
  console.log('-- the emulator in the browser (headless Chromium) against Node, same workload and code');
  if (!haveChromium()) { console.log(`skipped: ${CHROMIUM} is absent (apt-get install chromium)`); return; }
  const root = repoRoot();
  const imgs = buildBundled({ satp: 'sv39' });
  const fw = readFileSync(imgs.firmware), k = readFileSync(imgs.kernel);
  const code = await browserBundle(root);
  const chromium = await launchChromium(), browser = chromium.browser;
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: code, type: 'module' });
    await page.waitForFunction(() => typeof (globalThis as { bootRounds?: unknown }).bootRounds === 'function');
    console.log(`Chromium ${browser.version()}, Node ${process.versions.node}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
      'rounds alternate between the two, the first of each dropped (warm-up)');
    for (const w of WORKLOADS) {
      const node: BootRun[] = [], web: BootRun[] = [];
      for (let i = 0; i < w.rounds; i++) {
        node.push(...bootRounds(fw, k, w.bootargs, 1));
        web.push(...await page.evaluate(([f, kk, args]) =>
          (globalThis as unknown as { bootRounds: typeof bootRounds }).bootRounds(new Uint8Array(f), new Uint8Array(kk), args ?? undefined, 1),
        [[...fw], [...k], w.bootargs ?? null] as const));
      }
      if (![...node, ...web].every((r) => r.ok)) { console.log(`${w.name}: did not shut down with status 0`); continue; }
      const n = mips(node), b = mips(web);
      const fmt = (xs: number[]): string => `${Math.max(...xs).toFixed(1)} / ${median(xs).toFixed(1)}`;
      console.log(`${w.name.padEnd(32)} ${(node[0]!.insns / 1e6).toFixed(2)}M insns  MIPS best / median: Node ${fmt(n)}, Chromium ${fmt(b)}; ` +
        `browser time / Node time ${(median(n) / median(b)).toFixed(2)}x (median)`);
    }
    await firstRuns(browser, code, imgs, fw, k);
  } finally {
    await chromium.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await printBench();
