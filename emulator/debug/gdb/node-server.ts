// Node adapter for the GDB stub: a TCP server on 127.0.0.1 that accepts one GDB at a time. The
// port is printed on stderr; the harts do not run until GDB resumes them (QEMU's -s -S).

import { createServer, type Socket } from 'node:net';
import type { SymbolTable } from '../symbols.js';
import type { Target } from '../target.js';
import { monitorHandler } from './monitor.js';
import { GdbStub, type StubEnd } from './stub.js';

export interface ServeOptions {
  /** Where "waiting for GDB" goes (default stderr). */
  log?: (line: string) => void;
  /** Called between run slices (e.g. to flush guest output). */
  onSlice?: () => void;
}

/** Serves one GDB connection on 127.0.0.1:port; resolves with how the session ended. */
export function serveGdb(target: Target, symbols: SymbolTable, port: number, opts: ServeOptions = {}): Promise<StubEnd> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const onSlice = opts.onSlice;
  target.pause = () => new Promise((r) => { onSlice?.(); setImmediate(r); });
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', (e: NodeJS.ErrnoException) => reject(new Error(`--gdb ${port}: ${e.code === 'EADDRINUSE' ? 'port already in use' : e.message}`)));
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      log(`rvhart: waiting for GDB on 127.0.0.1:${actual} (target remote :${actual})`);
    });
    server.on('connection', (sock: Socket) => {
      server.close();
      sock.setNoDelay(true);
      const stub = new GdbStub(target, { send: (d) => sock.write(Buffer.from(d, 'latin1')), close: () => sock.end() }, monitorHandler(target, symbols));
      sock.on('data', (d: Buffer) => stub.receive(d.toString('latin1')));
      sock.on('close', () => stub.disconnected());
      sock.on('error', () => stub.disconnected());
      void stub.ended.then((why) => { sock.end(); resolve(why); });
    });
  });
}
