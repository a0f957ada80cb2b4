// DESIGN §2: `emulator/` runs in a browser. Every module under emulator/ except the named Node
// adapters is bundled for the browser with esbuild; any import of a Node built-in (node:*, fs, path,
// net, ...) anywhere in what they reach fails the test, naming the importer. The web page's own code
// (web/) is held to the same rule.

import { builtinModules } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Thin adapters that exist to talk to Node (DESIGN: behind small interfaces); nothing else may. */
const NODE_ADAPTERS = ['emulator/debug/gdb/node-server.ts'];

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Bundles the entry points for the browser; returns every Node import as "importer -> module". */
async function nodeImports(entryPoints: string[]): Promise<string[]> {
  const found: string[] = [];
  const catchNode: Plugin = {
    name: 'catch-node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.split('/')[0]!;
        const mod = args.path.startsWith('node:') ? args.path : bare;
        if (!NODE_BUILTINS.has(mod) && !args.path.startsWith('node:')) return undefined;
        found.push(`${relative(ROOT, args.importer)} -> ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    entryPoints, bundle: true, write: false, platform: 'browser', format: 'esm', outdir: 'out',
    logLevel: 'silent', plugins: [catchNode],
  });
  return [...new Set(found)].sort();
}

describe('emulator/ runs in a browser', () => {
  it('bundles every emulator module except the named Node adapters with no Node import', async () => {
    const files = tsFiles(join(ROOT, 'emulator')).filter((f) => !NODE_ADAPTERS.includes(relative(ROOT, f)));
    expect(files.length).toBeGreaterThan(40);
    expect(await nodeImports(files)).toEqual([]);
  });

  it('the web page (web/) imports no Node module either', async () => {
    expect(await nodeImports([join(ROOT, 'web', 'main.ts')])).toEqual([]);
  });

  it('the web page reaches only emulator/ (and the linker\'s ELF reader, for an ELF opened on the page), never bin/', async () => {
    const r = await build({ entryPoints: [join(ROOT, 'web', 'main.ts')], bundle: true, write: false, metafile: true, platform: 'browser', format: 'esm', outdir: 'out', logLevel: 'silent', absWorkingDir: ROOT });
    expect(Object.keys(r.metafile.inputs)).toContain('web/main.ts');
    const outside = Object.keys(r.metafile.inputs).filter((f) => !/^(web|emulator)\//.test(f) && !/^linker\/(elf\/|object\.ts$)/.test(f));
    expect(outside).toEqual([]);
  });

  it('the check can fail: the Node adapter itself is caught', async () => {
    const found = await nodeImports(NODE_ADAPTERS.map((f) => join(ROOT, f)));
    expect(found).toContain('emulator/debug/gdb/node-server.ts -> node:net');
  });
});
