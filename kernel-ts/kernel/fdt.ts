// Just enough of a flattened-device-tree reader (devicetree spec v0.4, chapter 5) to find RAM: the
// `reg` of the first /memory node, in the root's #address-cells/#size-cells; /chosen/bootargs; and
// whether the cpus' riscv,isa strings name Svnapot. Big-endian throughout.

import { type u64, load8, str } from '../runtime/intrinsics.js';

const FDT_MAGIC = 0xd00dfeedn;
const FDT_BEGIN_NODE = 1n;
const FDT_END_NODE = 2n;
const FDT_PROP = 3n;
const FDT_NOP = 4n;

let mem_base: u64 = 0n;
let mem_size: u64 = 0n;
let bootargs: u64 = 0n;
let svnapot: u64 = 0n;
let sstc: u64 = 0n;

export function fdt_mem_base(): u64 { return mem_base; }
export function fdt_mem_size(): u64 { return mem_size; }
/** Whether a cpu's riscv,isa names the svnapot extension (set by fdt_find_memory's walk). */
export function fdt_has_svnapot(): u64 { return svnapot; }
/** Whether riscv,isa names sstc (S-mode's own stimecmp); without it the timer goes through SBI. */
export function fdt_has_sstc(): u64 { return sstc; }
/** The address of /chosen/bootargs (a NUL-terminated string inside the blob), or 0: set by fdt_find_memory's walk. */
export function fdt_bootargs(): u64 { return bootargs; }

export function be32(p: u64): u64 {
  return (load8(p) << 24n) | (load8(p + 1n) << 16n) | (load8(p + 2n) << 8n) | load8(p + 3n);
}

/** The blob's total size, or 0 if there is no valid header at fdt. */
export function fdt_totalsize(fdt: u64): u64 {
  if (fdt == 0n || be32(fdt) != FDT_MAGIC) return 0n;
  return be32(fdt + 4n);
}

function align4(x: u64): u64 { return (x + 3n) & 0xfffffffffffffffcn; }

/** Whether the node name at s is exactly "chosen". */
function is_chosen_node(s: u64): u64 { return streq(s, str("chosen")); }

/** Whether the NUL-terminated string at s equals the 7 bytes of "memory" up to '@' or NUL. */
function is_memory_node(s: u64): u64 {
  // "memory" = 6d 65 6d 6f 72 79
  if (load8(s) != 0x6dn || load8(s + 1n) != 0x65n || load8(s + 2n) != 0x6dn) return 0n;
  if (load8(s + 3n) != 0x6fn || load8(s + 4n) != 0x72n || load8(s + 5n) != 0x79n) return 0n;
  const c = load8(s + 6n);
  return c == 0n || c == 0x40n ? 1n : 0n;
}

/** Compares the NUL-terminated string at a with the one at b. */
function streq(a: u64, b: u64): u64 {
  let i = 0n;
  while (true) {
    const x = load8(a + i);
    if (x != load8(b + i)) return 0n;
    if (x == 0n) return 1n;
    i = i + 1n;
  }
}

/** Whether the NUL-terminated word at w occurs in the len bytes at p. */
function has_word(p: u64, len: u64, w: u64): u64 {
  for (let i = 0n; i < len; i++) {
    let j = 0n;
    while (load8(w + j) != 0n && i + j < len && load8(p + i + j) == load8(w + j)) j = j + 1n;
    if (load8(w + j) == 0n) return 1n;
  }
  return 0n;
}

function read_cells(p: u64, cells: u64): u64 {
  let v = 0n;
  let i = 0n;
  while (i < cells) { v = (v << 32n) | be32(p + i * 4n); i = i + 1n; }
  return v;
}

/**
 * Walks the structure block and records the first /memory node's reg (fdt_mem_base/fdt_mem_size)
 * and /chosen/bootargs (fdt_bootargs). Returns 1 if /memory was found.
 */
export function fdt_find_memory(fdt: u64): u64 {
  if (fdt_totalsize(fdt) == 0n) return 0n;
  const structs = fdt + be32(fdt + 8n);
  const strings = fdt + be32(fdt + 12n);
  let addr_cells = 2n;
  let size_cells = 1n;
  let depth = 0n;
  let in_memory = 0n;
  let in_chosen = 0n;
  let found = 0n;
  bootargs = 0n;
  svnapot = 0n;
  sstc = 0n;
  let p = structs;
  while (true) {
    const token = be32(p);
    p = p + 4n;
    if (token == FDT_BEGIN_NODE) {
      depth = depth + 1n;
      in_memory = depth == 2n && found == 0n ? is_memory_node(p) : 0n;
      in_chosen = depth == 2n ? is_chosen_node(p) : 0n;
      while (load8(p) != 0n) p = p + 1n;
      p = align4(p + 1n);
    } else if (token == FDT_END_NODE) {
      depth = depth - 1n;
      in_memory = 0n;
      in_chosen = 0n;
    } else if (token == FDT_PROP) {
      const len = be32(p);
      const name = strings + be32(p + 4n);
      const value = p + 8n;
      if (depth == 1n && streq(name, str("#address-cells")) != 0n) addr_cells = be32(value);
      if (depth == 1n && streq(name, str("#size-cells")) != 0n) size_cells = be32(value);
      if (in_memory != 0n && streq(name, str("reg")) != 0n && len >= (addr_cells + size_cells) * 4n) {
        mem_base = read_cells(value, addr_cells);
        mem_size = read_cells(value + addr_cells * 4n, size_cells);
        found = 1n;
      }
      if (in_chosen != 0n && streq(name, str("bootargs")) != 0n) bootargs = value;
      if (streq(name, str("riscv,isa")) != 0n && has_word(value, len, str("_svnapot")) != 0n) svnapot = 1n;
      if (streq(name, str("riscv,isa")) != 0n && has_word(value, len, str("_sstc")) != 0n) sstc = 1n;
      p = align4(value + len);
    } else if (token != FDT_NOP) {
      return found;                    // FDT_END, or garbage
    }
  }
  return 0n;
}

/** Whether the node name at s is "cpu@..." (not "cpu-map" or "cpus"). */
function is_cpu_node(s: u64): u64 {
  return load8(s) == 0x63n && load8(s + 1n) == 0x70n && load8(s + 2n) == 0x75n && load8(s + 3n) == 0x40n ? 1n : 0n;
}

/**
 * The harts the device tree describes: bit h for each /cpus/cpu@... node whose reg (in /cpus's
 * #address-cells) is h, unless its status is "disabled"; harts ≥ max are left out. 0 when the blob
 * is missing or has no cpu node.
 */
export function fdt_cpu_mask(fdt: u64, max: u64): u64 {
  if (fdt_totalsize(fdt) == 0n) return 0n;
  const structs = fdt + be32(fdt + 8n);
  const strings = fdt + be32(fdt + 12n);
  let depth = 0n;
  let in_cpus = 0n;
  let cpus_addr_cells = 1n;
  let in_cpu = 0n;
  let cpu_reg = 0xffffffffffffffffn;
  let cpu_disabled = 0n;
  let mask = 0n;
  let p = structs;
  while (true) {
    const token = be32(p);
    p = p + 4n;
    if (token == FDT_BEGIN_NODE) {
      depth = depth + 1n;
      if (depth == 2n) in_cpus = streq(p, str("cpus"));
      if (depth == 3n && in_cpus != 0n) {
        in_cpu = is_cpu_node(p);
        cpu_reg = 0xffffffffffffffffn;
        cpu_disabled = 0n;
      }
      while (load8(p) != 0n) p = p + 1n;
      p = align4(p + 1n);
    } else if (token == FDT_END_NODE) {
      if (depth == 3n && in_cpu != 0n) {
        if (cpu_disabled == 0n && cpu_reg < max) mask = mask | (1n << cpu_reg);
        in_cpu = 0n;
      }
      if (depth == 2n) in_cpus = 0n;
      depth = depth - 1n;
      if (depth == 0n) return mask;      // the root closed: the walk is done
    } else if (token == FDT_PROP) {
      const len = be32(p);
      const name = strings + be32(p + 4n);
      const value = p + 8n;
      if (depth == 2n && in_cpus != 0n && streq(name, str("#address-cells")) != 0n) cpus_addr_cells = be32(value);
      if (depth == 3n && in_cpu != 0n) {
        if (streq(name, str("reg")) != 0n && len >= 4n) {
          cpu_reg = read_cells(value, cpus_addr_cells == 2n && len >= 8n ? 2n : 1n);
        }
        if (streq(name, str("status")) != 0n && streq(value, str("disabled")) != 0n) cpu_disabled = 1n;
      }
      p = align4(value + len);
    } else if (token != FDT_NOP) {
      return mask;                     // FDT_END, or garbage
    }
  }
  return mask;
}
