// The examples of kernel-ts/README.md, compiled (tests/kernel-ts/readme.test.ts) so they stay true.
import { u64, u32, u8, ptr, embed, array, cstr, enum_field, enum_value, struct_at, sizeof, offsetof, container_of, addr_of, NULL, BUG_ON, assert, range } from '../../../kernel-ts/runtime/intrinsics.js';
import { list_head, INIT_LIST_HEAD, list_add, list_add_tail, list_del, list_empty } from '../../../kernel-ts/lib/list.js';
import { list_entry } from '../../../kernel-ts/runtime/intrinsics.js';
import { printk } from '../../../kernel-ts/lib/printk.js';

export const enum frame_state { FREE, RESERVED, MAPPED = 5 }

export class mm_struct { pgd = u64; }
export class vm_area_struct {
  vm_start = u64;
  vm_end = u64;
  vm_next = ptr(vm_area_struct);
  vm_mm = ptr(mm_struct);
  vm_flags = u32;
  anon_vma_chain = embed(list_head);
  pad = array(u8, 4n);
  name = cstr;
  state: frame_state = enum_field(u8);
}
class page { flags = u32; refcount = u32; lru = embed(list_head); }

export function vm_next_start(addr: u64): u64 {
  const vma = struct_at(vm_area_struct, addr);
  return vma.vm_next.vm_start;
}

export function examples(addr: u64, i: u64): u64 {
  const p = struct_at(page, addr);
  const free_list = struct_at(list_head, addr + 64n);
  p.refcount += 1n;
  INIT_LIST_HEAD(free_list);
  list_add(p.lru, free_list);
  list_del(p.lru);
  list_add_tail(p.lru, free_list);
  let n = 0n;
  for (let q = list_entry(free_list.next, page, 'lru'); q.lru !== free_list; q = list_entry(q.lru.next, page, 'lru')) n++;
  for (const k of range(0n, i & 3n)) n = n + k;
  const vma = struct_at(vm_area_struct, addr + 128n);
  vma.pad.set(i & 3n, 7n);
  vma.name = "heap";
  printk("%-8s|%08x|%5d|%c|%p\n", vma.name, vma.pad.at(i & 3n), -1n, 0x41n, p);
  printk("frames: pool %#lx..%#lx, %lu frames\n", addr, addr + 4096n, n);
  BUG_ON(list_empty(free_list));
  assert(p !== NULL);
  const state = frame_state.MAPPED as frame_state;
  switch (state) {
    case frame_state.FREE: n = 1n; break;
    default: n = n + enum_value(state);
  }
  return n + sizeof(page) + offsetof(page, 'lru') + addr_of(container_of(p.lru, page, 'lru'));
}
