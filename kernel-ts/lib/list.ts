// Intrinsic doubly linked lists, as Linux's include/linux/list.h: a struct embeds a list_head, the
// list links those, and container_of (alias list_entry) gets back from a member to its struct.
//
//   class page { flags = u32; lru = embed(list_head); }
//   list_add(p.lru, free_list);
//   for (let p = list_entry(free_list.next, page, 'lru'); p.lru !== free_list; p = list_entry(p.lru.next, page, 'lru')) …
//
// The last line is list_for_each_entry(p, free_list, lru) written out, as the macro expands.
import { ptr, NULL } from '../runtime/intrinsics.js';

export class list_head { next = ptr(list_head); prev = ptr(list_head); }

/** An empty list: the head points at itself. */
export function INIT_LIST_HEAD(list: list_head): void {
  list.next = list;
  list.prev = list;
}

function __list_add(entry: list_head, prev: list_head, next: list_head): void {
  next.prev = entry;
  entry.next = next;
  entry.prev = prev;
  prev.next = entry;
}

/** Insert entry after head (a stack). */
export function list_add(entry: list_head, head: list_head): void { __list_add(entry, head, head.next); }

/** Insert entry before head (a queue). */
export function list_add_tail(entry: list_head, head: list_head): void { __list_add(entry, head.prev, head); }

/** Unlink entry; its pointers become NULL (Linux poisons them) so a second list_del faults. */
export function list_del(entry: list_head): void {
  entry.next.prev = entry.prev;
  entry.prev.next = entry.next;
  entry.next = NULL;
  entry.prev = NULL;
}

/** Unlink entry and make it an empty list of its own (list_del_init). */
export function list_del_init(entry: list_head): void {
  entry.next.prev = entry.prev;
  entry.prev.next = entry.next;
  INIT_LIST_HEAD(entry);
}

export function list_empty(head: list_head): boolean { return head.next === head; }

/** Is entry the only element of the list at head? */
export function list_is_singular(head: list_head): boolean { return head.next !== head && head.next === head.prev; }

/** Move entry from its list to the front of head's. */
export function list_move(entry: list_head, head: list_head): void {
  entry.next.prev = entry.prev;
  entry.prev.next = entry.next;
  list_add(entry, head);
}

/** Move entry from its list to the back of head's (just before head). */
export function list_move_tail(entry: list_head, head: list_head): void {
  entry.next.prev = entry.prev;
  entry.prev.next = entry.next;
  list_add_tail(entry, head);
}
