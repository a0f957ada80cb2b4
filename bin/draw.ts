// `rvhart draw WHAT [IMAGE]`: a drawing (emulator/debug/draw) of the machine at a chosen moment —
// when the hart first reaches SYMBOL (--at) or after N instructions (--after-insns) — without the
// shell, for slides and CI artifacts. The machine options are boot's; the drawing is the shell's
// `draw` (one dispatcher). Exit: 0 when drawn; 2 usage; 3 image; 125 when the guest stops before
// the moment comes.

import type { Argv, CommandModule } from 'yargs';
import { DRAWINGS, defaultDrawingFile, drawing, drawingFile, type DrawingKind, type DrawRequest } from '../emulator/debug/draw/draw.js';
import { Target } from '../emulator/debug/target.js';
import { parseWalkOptions } from '../emulator/debug/views.js';
import { makeMachine } from './debug.js';
import { machineOptions, type MachineArgs } from './machine.js';
import { writeDrawingFile } from './drawing-file.js';
import { EXIT, fail } from './exit.js';
import { parseCount } from './quantities.js';

interface DrawArgs extends MachineArgs {
  what: string;
  at?: string;
  'after-insns'?: string;
  va?: string;
  access?: string;
  priv?: string;
  o?: string;
}

export const drawCommand: CommandModule<object, DrawArgs> = {
  command: 'draw <what> [image]',
  describe: 'draw the page table (pt), one walk (walk --va VA), the physical frames or the TLB as SVG',
  builder: (y) => (machineOptions(y) as Argv)
    .positional('what', { type: 'string', describe: 'pt | walk | frames | tlb' })
    .option('at', { type: 'string', describe: 'draw when the hart first reaches SYMBOL (or address)' })
    .option('after-insns', { type: 'string', describe: 'draw after N instructions (K/M/G suffixes)' })
    .option('va', { type: 'string', describe: 'walk: the virtual address to walk (a number or a symbol)' })
    .option('access', { type: 'string', describe: 'walk: r, w or x (default r)' })
    .option('priv', { type: 'string', describe: 'walk: s or u (default: the hart\'s, S when it is in M)' })
    .option('o', { type: 'string', describe: 'output FILE.svg or FILE.html (default rvhart-WHAT.svg; - for stdout)' }) as unknown as Argv<DrawArgs>,
  handler: (args) => draw(args),
};

async function draw(args: DrawArgs): Promise<void> {
  const kind = DRAWINGS.find((k) => k === args.what) as DrawingKind | undefined;
  if (!kind) fail(EXIT.USAGE, `draw ${args.what}: expected pt, walk, frames or tlb`);
  if ((args.at === undefined) === (args['after-insns'] === undefined)) fail(EXIT.USAGE, 'draw: name the moment: --at SYMBOL or --after-insns N');
  const after = args['after-insns'] === undefined ? undefined : parseCount(args['after-insns']);
  if (args['after-insns'] !== undefined && after === undefined) fail(EXIT.USAGE, `--after-insns ${args['after-insns']}: expected a positive integer (K/M/G: thousands, millions, billions)`);
  if (kind === 'walk' && args.va === undefined) fail(EXIT.USAGE, 'draw walk: name the address: --va VA');
  if (kind !== 'walk' && (args.va ?? args.access ?? args.priv) !== undefined) fail(EXIT.USAGE, `draw ${kind}: --va, --access and --priv go with draw walk`);
  const opts = parseWalkOptions([...(args.access ? ['--access', args.access] : []), ...(args.priv ? ['--priv', args.priv] : [])]);
  if (typeof opts === 'string') fail(EXIT.USAGE, opts);

  const { machine, symbols, inputs, close } = await makeMachine('draw', args, () => {});
  process.on('exit', close);
  const addressOf = (text: string, option: string): bigint => {
    const s = symbols.lookup(text);
    if (s) return s.addr;
    if (/^(0x[0-9a-f]+|\d+)$/i.test(text)) return BigInt(text);
    return fail(EXIT.USAGE, `${option} ${text}: no such symbol in the images, and not a number`);
  };
  const target = new Target(machine);
  target.pause = () => new Promise((r) => setImmediate(r));
  const moment = args.at !== undefined ? `reaching ${args.at}` : `${after} instructions`;
  if (args.at !== undefined) target.points.addBreakpoint(addressOf(args.at, '--at'), args.at);
  else target.limit = after!;
  const stop = await target.resume();
  const reached = args.at !== undefined ? stop.kind === 'breakpoint' : stop.kind === 'limit';
  if (!reached) {
    const why = stop.kind === 'exit' ? `exited (code ${stop.code})` : stop.kind === 'stopped' ? `stopped: ${stop.reason}` : `stopped (${stop.kind})`;
    fail(EXIT.GUEST_STOPPED, `draw: the guest ${why} before ${moment}`);
  }
  const req: DrawRequest = { kind, describe: (a) => symbols.describe(a) };
  if (kind === 'walk') req.walk = { va: addressOf(args.va!, '--va'), ...opts };
  const svg = drawing(machine, req);
  const file = args.o ?? defaultDrawingFile(kind);
  const content = drawingFile(svg, file, `rvhart draw ${kind} at ${moment}`);
  if (file === '-') { process.stdout.write(content); return; }
  const err = writeDrawingFile(file, content, inputs);
  if (err) fail(EXIT.USAGE, err);
  process.stderr.write(`rvhart: drew ${kind} at ${moment} to ${file}\n`);
}
