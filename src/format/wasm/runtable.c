// The resident run table's merge (src/format/resident-table.ts): a run table that lives in a
// shared WebAssembly memory of its own, which any worker lent the table merges rows into in place.
//
// Why a module of its own: the scan kernel (scan.c) owns its memory and rewinds its heap for every
// object, so a run table merged there had to be copied in before each merge and what changed copied
// back out to the shared columns (wave 12 measured those copies at 7-9% of a 40% run's CPU). This
// module's memory is shared and imported: the table's columns stay where the merge writes them,
// and the other threads read them as they are (the sort, the ranges).
//
// It keeps no state of its own (no static data, no stack): JavaScript holds the table's places and
// sizes and passes them to every call, so an instance is made for a merge and dropped after it, and
// the table is the same whichever worker merges into it next. JavaScript also sizes the columns
// before a merge (room for every row new), and doubles the slots when a merge stops at half full.
#include <wasm_simd128.h>

typedef unsigned int u32;
typedef int i32;
typedef unsigned char u8;
typedef unsigned long size_t;
typedef unsigned long long u64;
typedef u64 __attribute__((aligned(1))) u64_unaligned;
typedef u32 __attribute__((aligned(1))) u32_unaligned;

#define EXPORT(name) __attribute__((export_name(#name)))
#include "contract.h"
// same_bytes, copy_small, add_values: the scan kernel's own.
#include "rows.h"

// Rows whose slot (and the entry it names) are read ahead of their probe: at high cardinality each
// is a cache miss, and independent loads are how WebAssembly asks for them early (scan.c AHEAD).
#define AHEAD 8

// Merge `n` rows (Float64 rows at `sn`, Int32 rows at `si`) into the table: slots[mask + 1]
// (entry + 1, or 0), entries' Int32 and Float64 rows, key bytes, as DigestTable.upsert and
// addValues do, row for row in the same order. The rows' key bytes are the source's from offset
// `k0`, `kn` of them, at `sk` (the caller copies in only the span a block of rows uses). io[0] is
// the table's entry count and io[1] its key bytes used, both updated; io[2] takes what the early
// reads add up to (so that they are made). New entries go only as far as `entry_room` entries and
// `key_room` key bytes (the room the budget was charged for; the caller placed the columns for
// every row to be new). Returns the rows merged: all `n`; fewer when an entry made the slots more
// than half full (upsert would rehash there; the caller doubles them with rt_rehash and merges the
// rest); or, with a flag added, the rows merged before one that needs more room (RT_ROOM: the
// caller charges more and merges the rest) or whose key lies outside the span copied in
// (RT_OUTSIDE).
#define RT_OUTSIDE 0x80000000u
#define RT_ROOM 0x40000000u
EXPORT(rt_merge) u32 rt_merge(u32 *slots, u32 mask, i32 *ints, double *nums, u8 *keys, u32 *io, const double *sn,
                               const i32 *si, const u8 *sk, u32 k0, u32 kn, u32 n, u32 entry_room, u32 key_room) {
  u32 size = io[0], key_used = io[1], ahead = 0, r = 0;
  while (r < n) {
    if (r + AHEAD < n) ahead += slots[(u32)si[(r + AHEAD) * INT_STRIDE + I_HASH] & mask];
    if (r + AHEAD / 2 < n) {
      u32 s = slots[(u32)si[(r + AHEAD / 2) * INT_STRIDE + I_HASH] & mask];
      if (s) ahead += (u32)ints[(s - 1) * INT_STRIDE + I_HASH];
    }
    const i32 *row = si + r * INT_STRIDE;
    const i32 hash = row[I_HASH], len = row[I_KEYLEN], sp = row[I_SPORT], dp = row[I_DPORT], pr = row[I_PROTO];
    const u32 at = (u32)row[I_KEYOFF] - k0;
    if ((u32)row[I_KEYOFF] < k0 || at > kn || (u32)len > kn - at) {
      io[0] = size; io[1] = key_used; io[2] = ahead;
      return r | RT_OUTSIDE;
    }
    const u8 *key = sk + at;
    u32 slot = (u32)hash & mask;
    for (;;) {
      u32 s = slots[slot];
      if (s == 0) break;
      const i32 *b = ints + (s - 1) * INT_STRIDE;
      if (b[I_HASH] == hash && b[I_KEYLEN] == len && b[I_SPORT] == sp && b[I_DPORT] == dp && b[I_PROTO] == pr &&
          same_bytes(keys + b[I_KEYOFF], key, len)) break;
      slot = (slot + 1) & mask;
    }
    double *v;
    if (slots[slot]) v = nums + (size_t)(slots[slot] - 1) * NUM_STRIDE;
    else {
      // table.ts insertAt.
      if (size >= entry_room || key_used + (u32)len > key_room) {
        io[0] = size; io[1] = key_used; io[2] = ahead;
        return r | RT_ROOM;
      }
      u32 e = size++;
      copy_small(keys + key_used, key, (size_t)len);
      i32 *d = ints + e * INT_STRIDE;
      d[I_KEYOFF] = (i32)key_used; d[I_KEYLEN] = len; d[I_HASH] = hash; d[I_SPORT] = sp; d[I_DPORT] = dp; d[I_PROTO] = pr;
      key_used += (u32)len;
      v = nums + (size_t)e * NUM_STRIDE;
      v[N_PKTLO] = 0; v[N_PKTHI] = 0; v[N_BYTELO] = 0; v[N_BYTEHI] = 0;
      v[N_START] = __builtin_inf(); v[N_END] = -__builtin_inf(); v[N_RECORDS] = 0;
      slots[slot] = e + 1;
    }
    add_values(v, sn + r * NUM_STRIDE);
    r++;
    if (size * 2 > mask) break;
  }
  io[0] = size; io[1] = key_used; io[2] = ahead;
  return r;
}

// table.ts rehash: `slots[mask + 1]` cleared, then the `size` entries put back in entry order.
EXPORT(rt_rehash) void rt_rehash(u32 *slots, u32 mask, const i32 *ints, u32 size) {
  __builtin_memset(slots, 0, ((size_t)mask + 1) * 4);
  for (u32 e = 0; e < size; e++) {
    u32 s = (u32)ints[e * INT_STRIDE + I_HASH] & mask;
    while (slots[s]) s = (s + 1) & mask;
    slots[s] = e + 1;
  }
}

// Move `n` bytes from `from` to `to` (the regions may overlap): columns moved up as the table grows.
EXPORT(rt_move) void rt_move(u8 *to, const u8 *from, u32 n) { __builtin_memmove(to, from, n); }
