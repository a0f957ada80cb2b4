// `rvhart web` (also `npm run web`): builds the browser front end (web/) into build/web/ — the page,
// its stylesheet, web/main.ts bundled by esbuild for the browser, and the bundled firmware and the
// Sv39 and Sv48 kernels beside it (the page fetches them) — then, with --serve, serves that folder on 127.0.0.1.
// A page fetched from file:// cannot fetch its ELFs, hence the small static server.

import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { buildBundled, KERNEL_SATP_MODES, repoRoot } from './bundled.js';
import { EXIT, fail } from './exit.js';
import { parsePort } from './quantities.js';

export interface WebArgs { serve?: string; out?: string }

/** `--serve` with no port. */
const DEFAULT_PORT = 8080;

/** Left in a folder the page was built into: only such a folder has its files replaced. */
const BUILT_MARK = '.rvhart-web';
/** The files a build writes. */
const BUILT_FILES = ['index.html', 'style.css', 'main.js', 'main.js.map', 'firmware.elf', ...KERNEL_SATP_MODES.map((s) => `kernel-${s}.elf`)];

/** A folder that holds files of the user's with the names a build writes (never overwritten). */
export class WebOutError extends Error {}

/** Builds the page into outDir (default <repo>/build/web); returns outDir. Throws on a build error. */
export async function buildWeb(outDir?: string): Promise<string> {
  const root = repoRoot();
  const out = outDir ?? join(root, 'build', 'web');
  // build/ is rvhart's own; a folder the user names is checked.
  if (outDir !== undefined && !existsSync(join(out, BUILT_MARK))) {
    const theirs = BUILT_FILES.filter((f) => existsSync(join(out, f)));
    if (theirs.length > 0) throw new WebOutError(`${out} holds ${theirs.join(', ')}, not written by rvhart web; name an empty or new folder`);
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, BUILT_MARK), 'built by rvhart web: its files are replaced at the next build\n');
  for (const satp of KERNEL_SATP_MODES) {
    const images = buildBundled({ satp });
    copyFileSync(images.firmware, join(out, 'firmware.elf'));
    copyFileSync(images.kernel, join(out, `kernel-${satp}.elf`));
  }
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(out, f));
  // esbuild is loaded only here: the rest of the CLI never needs it.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'web', 'main.ts')], outfile: join(out, 'main.js'),
    // A classic script, not a module: a module is refused from file://, and the page then could not
    // even say why it cannot fetch its images (an ELF dropped on it still boots).
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'silent',
  });
  return out;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json', '.elf': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Serves dir's files on 127.0.0.1:port (0: any free port); resolves with the server once listening. */
export function serveDir(dir: string, port: number): Promise<Server> {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    let body: Buffer | undefined;
    try { if ((file === base || file.startsWith(base + sep)) && statSync(file).isFile()) body = readFileSync(file); } catch { /* 404 below */ }
    if (!body) { res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((ok, err) => {
    server.once('error', err);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

async function web(args: WebArgs): Promise<void> {
  // Typed as a string, so a bad value is quoted as the user wrote it.
  const port = args.serve === undefined ? undefined : args.serve === '' ? DEFAULT_PORT : parsePort(String(args.serve));
  if (args.serve !== undefined && port === undefined) fail(EXIT.USAGE, `--serve ${String(args.serve)}: expected a TCP port 0..65535`);
  let out: string;
  try {
    out = await buildWeb(args.out);
  } catch (e) {
    fail(e instanceof WebOutError ? EXIT.USAGE : EXIT.BAD_IMAGE, `${e instanceof WebOutError ? '--out' : 'web'}: ${(e as Error).message.split('\n')[0]}`);
  }
  process.stdout.write(`${join(out, 'index.html')}\n`);
  if (port === undefined) return;
  const server = await serveDir(out, port).catch((e: Error) => fail(EXIT.USAGE, `--serve ${port}: ${e.message}`));
  const addr = server.address();
  process.stdout.write(`serving http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/ (Ctrl-C stops)\n`);
}

export const webCommand: CommandModule<object, WebArgs> = {
  command: 'web',
  describe: 'build the browser front end into build/web (--serve PORT: and serve it on 127.0.0.1)',
  builder: (y) => (y as Argv)
    .option('serve', { type: 'string', describe: `serve build/web on 127.0.0.1:PORT (default ${DEFAULT_PORT})` })
    .option('out', { type: 'string', describe: 'output folder (default build/web)' }) as unknown as Argv<WebArgs>,
  handler: (args) => web(args),
};
