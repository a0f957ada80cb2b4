// The bundled kernel's processes as the debugger sees them: `info proc` (the task list), `info vma
// [PID]` (a process's VMAs, as /proc/PID/maps) and `proc PID [mem | walk VA]` (that process's page
// table, inspected with its satp without running it). Everything is read from guest memory: the
// task list and the current task by their ELF symbols (task_list_buf, init_task_buf, current), and
// every field through the struct layouts the kernel-ts compiler puts in the image (`__layout__NAME`
// tables: size, field count, name, then name/offset/size/kind per field), so no offset is written
// down here. Physical reads: the kernel's data is identity-mapped, whatever satp the hart has now.

import type { DebugMemory } from './memory.js';
import { MemoryError } from './memory.js';
import type { SymbolTable } from './symbols.js';
import type { MemView } from './page-table-tree.js';
import { pageTableMappings, attrText } from './info-mem.js';
import { sizeText } from './format.js';
import { translate } from './translate.js';
import { LOAD, STORE, FETCH, PRV_U, type AccessType } from '../mmu/access.js';

interface FieldInfo { offset: number; size: number; kind: number }
type Layout = Map<string, FieldInfo>;

/** One task as read from the guest. */
export interface TaskView {
  addr: bigint;
  pid: bigint;
  ppid: bigint;
  state: bigint;
  comm: string;
  mm: bigint;
  current: boolean;
}

const STATE_NAMES: Record<string, string> = { 0: 'R', 1: 'S', 16: 'Z' };
const VM_READ = 1n, VM_WRITE = 2n, VM_EXEC = 4n, VM_GROWSDOWN = 0x100n;
/** Enough for any list the kernel keeps; a corrupted list stops here instead of looping. */
const MAX_ITEMS = 4096;

export class ProcError extends Error {}

export class KernelProcs {
  private readonly layouts = new Map<string, Layout>();

  constructor(private readonly m: MemView, private readonly mem: DebugMemory, private readonly symbols: SymbolTable) {}

  private u(addr: bigint, size: number): bigint {
    const b = this.mem.read(addr, size, true);
    if (b instanceof MemoryError) throw new ProcError(b.message);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  private cstr(addr: bigint, max = 64): string {
    if (addr === 0n) return '';
    let s = '';
    for (let i = 0; i < max; i++) {
      const c = Number(this.u(addr + BigInt(i), 1));
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }

  private sym(name: string): bigint {
    const s = this.symbols.lookup(name);
    if (!s) throw new ProcError(`No symbol "${name}": this is not the bundled kernel (or it has no processes).`);
    return s.addr;
  }

  /** The struct's layout from its `__layout__NAME` table in the image. */
  layout(name: string): Layout {
    const known = this.layouts.get(name);
    if (known) return known;
    const t = this.sym(`__layout__${name}`);
    const n = Number(this.u(t + 8n, 8));
    const out: Layout = new Map();
    for (let i = 0; i < n && i < 256; i++) {
      const f = t + 24n + BigInt(i) * 32n;
      out.set(this.cstr(this.u(f, 8)), { offset: Number(this.u(f + 8n, 8)), size: Number(this.u(f + 16n, 8)), kind: Number(this.u(f + 24n, 8)) });
    }
    this.layouts.set(name, out);
    return out;
  }

  private off(struct: string, field: string): bigint {
    const f = this.layout(struct).get(field);
    if (!f) throw new ProcError(`struct ${struct} has no field ${field} in the image's layout table.`);
    return BigInt(f.offset);
  }

  /** A field's value (integers and pointers; a cstr field gives the string's address). */
  field(struct: string, addr: bigint, name: string): bigint {
    const f = this.layout(struct).get(name);
    if (!f) throw new ProcError(`struct ${struct} has no field ${name} in the image's layout table.`);
    return this.u(addr + BigInt(f.offset), f.size);
  }

  private task(addr: bigint, current: bigint): TaskView {
    const parent = this.field('task_struct', addr, 'parent');
    return {
      addr, current: addr === current,
      pid: this.field('task_struct', addr, 'pid'),
      ppid: parent === 0n ? 0n : this.field('task_struct', parent, 'pid'),
      state: this.field('task_struct', addr, 'state'),
      comm: this.cstr(this.field('task_struct', addr, 'comm')),
      mm: this.field('task_struct', addr, 'mm'),
    };
  }

  /** The idle task, then task_list in order. */
  tasks(): TaskView[] {
    const head = this.sym('task_list_buf');
    const current = this.symbols.lookup('current') ? this.u(this.sym('current'), 8) : 0n;
    const tasksOff = this.off('task_struct', 'tasks');
    const out = [this.task(this.sym('init_task_buf'), current)];
    let next = this.u(head, 8);
    for (let i = 0; next !== head && next !== 0n && i < MAX_ITEMS; i++) {
      out.push(this.task(next - tasksOff, current));
      next = this.u(next, 8);
    }
    return out;
  }

  private satpOf(mm: bigint): bigint {
    const pgd = this.field('mm_struct', mm, 'pgd');
    const asid = this.field('mm_struct', mm, 'context_id') & 0xffffn;
    const mode = this.m.mmu.getSatp() >> 60n || 8n;
    return (mode << 60n) | (asid << 44n) | (pgd >> 12n);
  }

  private byPid(pid: bigint | undefined): TaskView {
    const all = this.tasks();
    const t = pid === undefined ? all.find((x) => x.current) : all.find((x) => x.pid === pid);
    if (!t) throw new ProcError(pid === undefined ? 'No current task.' : `No process with pid ${pid}.`);
    if (t.mm === 0n) throw new ProcError(`pid ${t.pid} (${t.comm}) has no address space${t.pid === 0n ? ' (the idle task runs on the kernel\'s table)' : ' (it has exited)'}.`);
    return t;
  }

  /** `info proc`. */
  formatInfoProc(): string[] {
    const lines = ['  PID  PPID S COMM       TASK                 SATP                 VMAS    RSS  PTES'];
    for (const t of this.tasks()) {
      let mm = '   -      -     -';
      let satp = '-'.padEnd(20);
      if (t.mm !== 0n) {
        mm = `${String(this.field('mm_struct', t.mm, 'map_count')).padStart(4)} ${String(this.field('mm_struct', t.mm, 'rss')).padStart(6)} ${String(this.field('mm_struct', t.mm, 'nr_ptes')).padStart(5)}`;
        satp = `0x${this.satpOf(t.mm).toString(16).padStart(16, '0')}`;
      }
      lines.push(`${t.current ? '*' : ' '}${String(t.pid).padStart(4)} ${String(t.ppid).padStart(5)} ${STATE_NAMES[String(t.state)] ?? '?'} ${t.comm.padEnd(10)} 0x${t.addr.toString(16).padStart(16, '0')} ${satp} ${mm}`);
    }
    lines.push('(* the current task; S: R runnable, S sleeping in wait, Z zombie; RSS and PTES in pages)');
    return lines;
  }

  /** `info vma [PID]`: the VMAs of PID (default: the current task), as /proc/PID/maps. */
  formatInfoVma(pid?: bigint): string[] {
    const t = this.byPid(pid);
    const mm = t.mm;
    const startBrk = this.field('mm_struct', mm, 'start_brk'), brk = this.field('mm_struct', mm, 'brk');
    const lines = [`VMAs of pid ${t.pid} (${t.comm}), mm_struct at 0x${mm.toString(16)}:`];
    let v = this.field('mm_struct', mm, 'mmap');
    for (let i = 0; v !== 0n && i < MAX_ITEMS; i++) {
      const start = this.field('vm_area_struct', v, 'vm_start'), end = this.field('vm_area_struct', v, 'vm_end');
      const flags = this.field('vm_area_struct', v, 'vm_flags');
      const perm = `${flags & VM_READ ? 'r' : '-'}${flags & VM_WRITE ? 'w' : '-'}${flags & VM_EXEC ? 'x' : '-'}p`;
      const name = flags & VM_GROWSDOWN ? '[stack]' : start >= startBrk && brk > startBrk && end <= ((brk + 0xfffn) & ~0xfffn) ? '[heap]' : end < startBrk ? t.comm : '';
      lines.push(`${start.toString(16).padStart(10, '0')}-${end.toString(16).padStart(10, '0')} ${perm} ${sizeText(end - start).padStart(9)}  ${name}`);
      v = this.field('vm_area_struct', v, 'vm_next');
    }
    return lines;
  }

  /** `proc PID`, `proc PID mem`, `proc PID walk VA [r|w|x]`: that process's table without running it. */
  formatProc(words: string[], address: (text: string) => bigint): string[] {
    if (words.length === 0) throw new ProcError('Usage: proc PID [mem | walk VA [r|w|x]]');
    const t = this.byPid(BigInt(words[0]!));
    const satp = this.satpOf(t.mm);
    const root = (satp & ((1n << 44n) - 1n)) << 12n;
    const what = words[1] ?? '';
    if (what === '') {
      return [`pid ${t.pid} (${t.comm}): satp 0x${satp.toString(16)} (root table 0x${root.toString(16)}, ASID ${(satp >> 44n) & 0xffffn}); ` +
        `'proc ${t.pid} mem' lists its mappings, 'proc ${t.pid} walk VA' walks its table (as U-mode)`];
    }
    if (what === 'mem') {
      const { mappings } = pageTableMappings(this.m, satp);
      const user = mappings.filter((r) => (r.flags & 0x10) !== 0);
      const lines = [`pid ${t.pid} (${t.comm}): user mappings in its table (satp 0x${satp.toString(16)}; the kernel's half, shared, left out):`];
      for (const r of user) lines.push(`0x${r.va.toString(16).padStart(16, '0')}-0x${(r.va + r.size - 1n).toString(16).padStart(16, '0')} 0x${r.pa.toString(16).padStart(16, '0')} ${sizeText(r.size).padStart(9)}  ${attrText(r.flags)}  ${r.pages} page${r.pages > 1 ? 's' : ''}`);
      if (user.length === 0) lines.push('(no user pages mapped)');
      return lines;
    }
    if (what === 'walk') {
      if (!words[2]) throw new ProcError('Usage: proc PID walk VA [r|w|x]');
      const va = address(words[2]);
      const access: AccessType = words[3] === 'w' ? STORE : words[3] === 'x' ? FETCH : LOAD;
      const r = translate(this.m.mmu, va, access, PRV_U, { satp });
      const lines = [`walk 0x${va.toString(16)} in pid ${t.pid} (${t.comm}): satp 0x${satp.toString(16)}, ${words[3] === 'w' ? 'store' : words[3] === 'x' ? 'fetch' : 'load'} as user`];
      for (const s of r.steps) lines.push(`  level ${s.level}: VPN[${s.level}] = 0x${s.vpn.toString(16)}  PTE at 0x${s.pteAddr.toString(16)} = 0x${s.pte.toString(16).padStart(16, '0')}  ${attrText(Number(s.pte & 0xffn))}  ${s.kind}`);
      if (r.fault) lines.push(`  => page fault (cause ${r.fault.cause}): ${r.fault.rule}`);
      else if (r.result) lines.push(`  => PA 0x${r.result.pa.toString(16)} (${r.result.pageSizeName} page, level ${r.result.level})`);
      return lines;
    }
    throw new ProcError('Usage: proc PID [mem | walk VA [r|w|x]]');
  }
}

/** The shell's entry: `info proc`, `info vma [PID]`, `proc PID ...` — the lines, or an Error to report. */
export function procCommand(view: MemView, mem: DebugMemory, symbols: SymbolTable, cmd: 'info proc' | 'info vma' | 'proc', words: string[],
  address: (text: string) => bigint): string[] | Error {
  try {
    const k = new KernelProcs(view, mem, symbols);
    if (cmd === 'info proc') return k.formatInfoProc();
    if (cmd === 'info vma') return k.formatInfoVma(words[0] === undefined ? undefined : BigInt(words[0]));
    return k.formatProc(words, address);
  } catch (e) {
    if (e instanceof ProcError || e instanceof SyntaxError) return new Error(e.message);
    throw e;
  }
}
