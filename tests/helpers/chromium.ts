// Debian's Chromium, headless, driven by playwright-core: for the web page's tests and its bench.
// No vitest import: the benchmarks use the helpers too.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is installed (callers skip with a message otherwise). */
export const haveChromium = (): boolean => existsSync(CHROMIUM);

/** A quiet, self-contained headless run (playwright adds a fresh profile). */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface LaunchedChromium {
  readonly browser: Browser;
  /** Closes the browser and removes its temporary folder. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const { chromium } = await import('playwright-core');
  // Playwright's profile and artifact folders and Chromium's own temp files go under TMPDIR, and
  // they were left in /tmp after each run: point TMPDIR at a folder of ours while launching.
  const dir = mkdtempSync(join(tmpdir(), 'rvhart-chromium-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
  }
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
