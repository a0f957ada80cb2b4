// `--drive file=IMG[,format=raw][,readonly=on][,serial=ID]` and `--snapshot`, as QEMU's: one
// virtio-blk per drive, in slot order from 0x10001000. The disk is the file itself (writes reach it,
// as QEMU's do, made durable when the guest flushes and at exit), or with --snapshot a copy-on-write
// layer in memory over it (the file is never written). Checked before boot: one line, exit 2 for a
// malformed option, 3 for a file that cannot be used.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { SECTOR, SnapshotDisk, type BlockBackend } from '../emulator/board/virtio/disk.js';
import type { VirtioSpec } from '../emulator/board/virt.js';
import { EXIT, fail } from './exit.js';
import { errnoText } from './output-file.js';

/** A disk image file, read and written in place. */
export class FileDisk implements BlockBackend {
  readonly size: number;
  private dirty = false;
  constructor(private readonly fd: number, readonly readOnly: boolean) {
    this.size = fstatSync(fd).size;
  }
  read(offset: number, length: number): Uint8Array {
    const b = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, b, done, length - done, offset + done);
      if (n === 0) break; // past the end: zeros (the device checks bounds first)
      done += n;
    }
    return b;
  }
  write(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
    this.dirty = true;
  }
  flush(): void {
    if (this.dirty) fsyncSync(this.fd);
    this.dirty = false;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export interface Drive {
  file: string;
  readOnly: boolean;
  serial: string;
}

/** Parses one --drive value (QEMU's key=value list). */
export function parseDrive(text: string): Drive {
  const keys = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) fail(EXIT.USAGE, `--drive ${text}: expected key=value pairs, like file=fs.img,format=raw`);
    keys.set(part.slice(0, eq), part.slice(eq + 1));
  }
  for (const k of keys.keys()) {
    if (!['file', 'format', 'readonly', 'serial', 'if', 'id'].includes(k)) fail(EXIT.USAGE, `--drive ${text}: unknown key '${k}' (file, format, readonly, serial)`);
  }
  const file = keys.get('file');
  if (!file) fail(EXIT.USAGE, `--drive ${text}: name the image: file=IMG`);
  const format = keys.get('format') ?? 'raw';
  if (format !== 'raw') fail(EXIT.USAGE, `--drive ${text}: format=${format}: only raw images are supported`);
  const ro = keys.get('readonly') ?? 'off';
  if (!['on', 'off'].includes(ro)) fail(EXIT.USAGE, `--drive ${text}: readonly=${ro}: expected on or off`);
  const iface = keys.get('if');
  if (iface !== undefined && iface !== 'virtio' && iface !== 'none') fail(EXIT.USAGE, `--drive ${text}: if=${iface}: drives are virtio-blk here`);
  return { file, readOnly: ro === 'on', serial: keys.get('serial') ?? '' };
}

/** Opens the drives for the board: their virtio specs, and a close() to call at exit (flushes). */
export function openDrives(values: readonly string[], snapshot: boolean, inputs: readonly string[]): { specs: VirtioSpec[]; close: () => void } {
  const disks: FileDisk[] = [];
  const specs: VirtioSpec[] = values.map((v) => {
    const d = parseDrive(v);
    if (inputs.includes(d.file)) fail(EXIT.USAGE, `--drive ${v}: ${d.file} is also an image of this run`);
    let fd: number;
    try {
      fd = openSync(d.file, d.readOnly || snapshot ? 'r' : 'r+');
    } catch (e) {
      return fail(EXIT.BAD_IMAGE, `--drive ${v}: cannot open ${d.file}: ${errnoText(e)}`);
    }
    const disk = new FileDisk(fd, d.readOnly);
    if (disk.size === 0 || disk.size % SECTOR !== 0) fail(EXIT.BAD_IMAGE, `--drive ${v}: ${d.file} is ${disk.size} bytes, not a whole number of ${SECTOR}-byte sectors`);
    disks.push(disk);
    return { kind: 'blk', disk: snapshot ? new SnapshotDisk(disk) : disk, serial: d.serial };
  });
  return { specs, close: () => { for (const d of disks) d.close(); } };
}
