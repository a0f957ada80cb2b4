// execve of the programs embedded in the kernel image (bin/bundled.ts links each kernel-ts/user
// program at its user address and puts the ELF files in .rodata, listed in `user_programs`), as
// Linux's fs/exec.c and fs/binfmt_elf.c reduced to ELF64 PT_LOAD segments: a new mm, one VMA per
// segment (R-X text, R rodata, RW data+bss), the file's bytes copied into fresh frames, bss left
// to demand-zero faults, the stack VMA (growing down), then the old mm dropped.

import { type u64, load8, store8, load16, load32, load64, store64, struct_at, sym, cstr, u64 as U64, NULL } from '../runtime/intrinsics.js';
import { PAGE_SIZE, PAGE_MASK, page_align } from './layout.js';
import { mm_struct, VM_READ, VM_WRITE, VM_EXEC, VM_GROWSDOWN, STACK_TOP, TASK_UNMAPPED_BASE, USER_START, TASK_SIZE } from './mm_types.js';
import { vm_area_alloc, vm_area_free, insert_vm_struct } from './mmap.js';
import { install_user_page, alloc_user_frame } from './memory.js';
import { mm_alloc, mmput } from './fork.js';
import { task_struct, task_pt_regs, get_current } from './sched.js';
import { switch_mm } from './asid.js';

/** One entry of the user_programs table. */
export class user_program {
  name = cstr;
  image = U64;
  size = U64;
}

const PT_LOAD = 1n;
const PF_X = 1n;
const PF_W = 2n;
const PF_R = 4n;
const ELF_MAGIC = 0x464c457fn;           // "\x7fELF"

let nr_execs: u64 = 0n;
export function exec_count(): u64 { return nr_execs; }

export function nr_user_programs(): u64 { return load64(sym("user_programs")); }
export function user_program_at(i: u64): user_program { return struct_at(user_program, sym("user_programs") + 8n + i * 24n); }

/** The embedded program called name (a NUL-terminated string at name_addr), or NULL. */
export function find_user_program(name_addr: u64): user_program {
  for (let i = 0n; i < nr_user_programs(); i++) {
    const p = user_program_at(i);
    const n = load64(sym("user_programs") + 8n + i * 24n);
    let k = 0n;
    while (load8(n + k) != 0n && load8(n + k) == load8(name_addr + k)) k++;
    if (load8(n + k) == 0n && load8(name_addr + k) == 0n) return p;
  }
  return NULL;
}

function copy_bytes(to: u64, from: u64, n: u64): void {
  let i = 0n;
  if (((to | from) & 7n) == 0n) for (; i + 8n <= n; i += 8n) store64(to + i, load64(from + i));
  for (; i < n; i++) store8(to + i, load8(from + i));
}

/** One VMA of a segment. 0, or 1 without memory or on an overlap. */
function map_segment_vma(mm: mm_struct, start: u64, end: u64, vm_flags: u64): u64 {
  const vma = vm_area_alloc(mm);
  if (vma === NULL) return 1n;
  vma.vm_start = start;
  vma.vm_end = end;
  vma.vm_flags = vm_flags;
  if (insert_vm_struct(mm, vma) != 0n) { vm_area_free(vma); return 1n; }
  return 0n;
}

/** Maps the program's PT_LOAD segments into mm: the entry point, or 0 if the image is not one we can run. */
function load_elf_binary(mm: mm_struct, prog: user_program): u64 {
  const image = prog.image;
  if (load32(image) != ELF_MAGIC) return 0n;
  const phoff = load64(image + 32n);
  const phentsize = load16(image + 54n);
  const phnum = load16(image + 56n);
  let end = 0n;
  for (let i = 0n; i < phnum; i++) {
    const ph = image + phoff + i * phentsize;
    if (load32(ph) != PT_LOAD) continue;
    const pflags = load32(ph + 4n);
    const offset = load64(ph + 8n);
    const vaddr = load64(ph + 16n);
    const filesz = load64(ph + 32n);
    const memsz = load64(ph + 40n);
    const start = vaddr & PAGE_MASK;
    const vend = page_align(vaddr + memsz);
    if (memsz == 0n) continue;
    if (start < USER_START || vend > TASK_SIZE || offset + filesz > prog.size) return 0n;
    const vm_flags = ((pflags & PF_R) != 0n ? VM_READ : 0n) | ((pflags & PF_W) != 0n ? VM_WRITE : 0n) | ((pflags & PF_X) != 0n ? VM_EXEC : 0n);
    // The pages holding file bytes are one VMA; the bss pages past them another, anonymous one
    // (binfmt_elf's set_brk): the bss in the last file page is zeroed there.
    const fend = filesz == 0n ? start : page_align(vaddr + filesz);
    if (fend > start && map_segment_vma(mm, start, fend, vm_flags) != 0n) return 0n;
    if (vend > fend && map_segment_vma(mm, fend, vend, vm_flags) != 0n) return 0n;
    // The file's bytes, page by page; the rest of the segment (bss) is demand-zero.
    for (let va = start; va < vaddr + filesz; va += PAGE_SIZE) {
      const pa = alloc_user_frame();
      if (pa == 0n) return 0n;
      const lo = va < vaddr ? vaddr : va;
      const hi = va + PAGE_SIZE < vaddr + filesz ? va + PAGE_SIZE : vaddr + filesz;
      copy_bytes(pa + (lo - va), image + offset + (lo - vaddr), hi - lo);
      if (install_user_page(mm, va, pa, vm_flags) != 0n) return 0n;
    }
    if ((pflags & PF_X) != 0n) { mm.start_code = vaddr; mm.end_code = vaddr + filesz; }
    else if ((pflags & PF_W) != 0n) { mm.start_data = vaddr; mm.end_data = vaddr + filesz; }
    if (vaddr + memsz > end) end = vaddr + memsz;
  }
  // The heap starts a page above the last segment, so it stays a VMA of its own.
  mm.start_brk = page_align(end) + PAGE_SIZE;
  mm.brk = mm.start_brk;
  return load64(image + 24n);
}

/** A new address space running prog: [mm, entry], or [NULL, 0]. */
function exec_mm(prog: user_program): [mm_struct, u64] {
  const mm = mm_alloc();
  if (mm === NULL) return [NULL, 0n];
  mm.exe_name = prog.name;
  mm.mmap_base = TASK_UNMAPPED_BASE;
  const entry = load_elf_binary(mm, prog);
  const stack = vm_area_alloc(mm);
  if (entry == 0n || stack === NULL) { mmput(mm); return [NULL, 0n]; }
  stack.vm_start = STACK_TOP - PAGE_SIZE;
  stack.vm_end = STACK_TOP;
  stack.vm_flags = VM_READ | VM_WRITE | VM_GROWSDOWN;
  insert_vm_struct(mm, stack);
  mm.start_stack = STACK_TOP;
  return [mm, entry];
}

/** execve: t (the caller, or a task being born) runs prog with main(arg). 0, or 1 if it cannot
 *  (the old address space is kept then). */
export function exec_task(t: task_struct, prog: user_program, arg: u64): u64 {
  const [mm, entry] = exec_mm(prog);
  if (mm === NULL) return 1n;
  const old = t.mm;
  t.mm = mm;
  t.comm = prog.name;
  if (t === get_current()) switch_mm(mm);
  if (old !== NULL) mmput(old);
  const regs = task_pt_regs(t);
  for (let off = 0n; off < 256n; off += 8n) store64(regs + off, 0n);
  store64(regs, entry);                 // epc
  store64(regs + 16n, STACK_TOP);       // sp
  store64(regs + 80n, arg);             // a0
  nr_execs++;
  return 0n;
}
