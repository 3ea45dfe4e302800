// The scanner's hot loop in WebAssembly (built by `npm run build:wasm`, i.e. scripts/build-wasm.sh;
// the output is committed as scan-wasm.ts, with this file's SHA-256). It handles the common line — OK, NODATA or SKIPDATA, all integers short and
// well-formed — and hands every other line back to the JavaScript scanner, which owns the rare
// cases (headers, malformed lines and their messages, huge numbers, account/region filters).
//
// The table it fills has exactly the column layout of src/table/table.ts (so it is packed and
// merged the same way) and the same key hash (so its entries merge with any other partial): both
// take their numbers from contract.json, through contract.h here and src/table/contract.ts there.

#include <wasm_simd128.h>

typedef unsigned int u32;
typedef int i32;
typedef unsigned char u8;
typedef unsigned long size_t;

#define EXPORT(name) __attribute__((export_name(#name)))

extern u8 __heap_base;

// Roles, table columns, counter slots, hash constants and the input bound: generated from
// contract.json, the same numbers the TypeScript side imports from src/table/contract.ts.
#include "contract.h"

// ---- state shared with JavaScript (read and written through exported addresses) ----
static u8 input[KERNEL_INPUT_BYTES + KERNEL_INPUT_PADDING];
static i32 column_of[ROLE_COUNT]; // role -> column, or -1
// The key's string fields, in key order: each a column, or -1 for a field the format lacks
// (always '-'); and which of srcport (bit 0), dstport (1), protocol (2) it holds (absent: -1).
// The v2 key is Account..Action by role with all three numbers (scanner.ts KeyPlan).
static i32 key_cols[KERNEL_KEY_SLOTS];
static i32 key_slots, key_numbers, key_by_role;
// The account and region filters (scanner.ts filter.accounts, filter.regions): each value as its
// length byte and its bytes, the accounts' first, then the regions'; counts 0 for no filter.
static u8 filter_values[KERNEL_FILTER_BYTES];
static i32 filter_accounts, filter_regions;
EXPORT(filter_values_ptr) u8 *filter_values_ptr(void) { return filter_values; }
EXPORT(set_filters) void set_filters(i32 accounts, i32 regions) { filter_accounts = accounts; filter_regions = regions; }
static i32 ncols;
static double window_start, window_end;
static i32 has_window;
static double counters[COUNTER_COUNT];

// ---- the table ----
static u32 *slots;   // 0, or entry index + 1 in the low SLOT_ENTRY_BITS and the hash's top bits above
static u32 mask;     // slots - 1
// A slot keeps the top bits of its entry's hash beside the entry, so that a probe passes an
// entry of another hash without reading its row: at high cardinality every row read is a cache
// miss, and linear probing at up to half full passes about 1.5 other entries per new key.
#define SLOT_ENTRY_BITS 26
#define SLOT_ENTRY_MASK ((1u << SLOT_ENTRY_BITS) - 1)
#define SLOT_ENTRIES_MAX (SLOT_ENTRY_MASK - 1) // entries a table may hold: entry + 1 must fit
static inline u32 slot_tag(i32 hash) { return (u32)hash & ~SLOT_ENTRY_MASK; }
static i32 *ints;    // INT_STRIDE columns per entry (I_KEYOFF ...)
static double *nums; // NUM_STRIDE columns per entry (N_PKTLO ...)
static u8 *keys;
static u32 size, entry_cap, key_used, key_cap;
static u8 *heap_top;
static size_t heap_limit; // bytes of linear memory the heap may reach; 0: as far as memory grows

EXPORT(input_ptr) u8 *input_ptr(void) { return input; }
EXPORT(column_of_ptr) i32 *column_of_ptr(void) { return column_of; }
EXPORT(key_cols_ptr) i32 *key_cols_ptr(void) { return key_cols; }
EXPORT(counters_ptr) double *counters_ptr(void) { return counters; }
EXPORT(table_size) u32 table_size(void) { return size; }
EXPORT(table_ints) i32 *table_ints(void) { return ints; }
EXPORT(table_nums) double *table_nums(void) { return nums; }
EXPORT(table_keys) u8 *table_keys(void) { return keys; }
EXPORT(table_key_used) u32 table_key_used(void) { return key_used; }

// Cap the heap at `bytes` of linear memory (0: no cap besides the engine's): a lower limit than
// the 4 GiB of wasm32, so a test can make the kernel run out of memory and fall back.
EXPORT(set_memory_limit) void set_memory_limit(u32 bytes) { heap_limit = bytes; }

EXPORT(configure) void configure(i32 n, i32 windowed, double ws, double we, i32 slots, i32 numbers) {
  ncols = n; has_window = windowed; window_start = ws; window_end = we;
  // numbers' bit 3: the key is v2's, its fields the roles Account..Action (read as the roles are).
  key_slots = slots; key_numbers = numbers & 7; key_by_role = (numbers >> 3) & 1;
  for (int i = 0; i < COUNTER_COUNT; i++) counters[i] = 0;
}

#define WASM_PAGE 65536

// memory.grow by the host (src/format/kernel-memory.ts): it charges the growth to the memory
// budget of the run whose task called in, and throws (ending this call) when the budget refuses.
// Imported, so that one place counts every growth; called only when memory must grow.
__attribute__((import_module("env"), import_name("grow_memory"))) i32 grow_memory(u32 pages);

// A bump allocator over linear memory; clear() rewinds it. Returns 0 when memory cannot grow.
static void *take(size_t bytes) {
  bytes = (bytes + 15) & ~(size_t)15;
  u8 *p = heap_top;
  size_t need = (size_t)p + bytes;
  if (need < (size_t)p || (heap_limit && need > heap_limit)) return 0;
  size_t have = __builtin_wasm_memory_size(0) * WASM_PAGE;
  if (need > have) {
    size_t pages = (need - have + WASM_PAGE - 1) / WASM_PAGE;
    if (grow_memory((u32)pages) < 0) return 0;
  }
  heap_top = p + bytes;
  return p;
}

static void copy(u8 *dst, const u8 *src, size_t n) { for (size_t i = 0; i < n; i++) dst[i] = src[i]; }

typedef unsigned long long u64;
typedef u64 __attribute__((aligned(1))) u64_unaligned;
typedef u32 __attribute__((aligned(1))) u32_unaligned;
#include "rows.h"


// Start an empty table with room for `cap` slots (a power of two) and `kc` key bytes. Returns 0
// on out-of-memory.
static i32 clear_sized(u32 cap, u32 kc) {
  heap_top = (u8 *)(((size_t)&__heap_base + 15) & ~(size_t)15);
  mask = cap - 1; entry_cap = cap / 2; key_cap = kc; size = 0; key_used = 0;
  // Back to back, the key bytes last: grow_entries and grow_keys grow them in place.
  ints = take(entry_cap * INT_STRIDE * 4); nums = take(entry_cap * NUM_STRIDE * 8); slots = take(cap * 4); keys = take(key_cap);
  if (!slots || !ints || !nums || !keys) return 0;
  for (u32 i = 0; i <= mask; i++) slots[i] = 0;
  return 1;
}

// Start an empty table with room for `cap` slots (a power of two). Returns 0 on out-of-memory.
EXPORT(clear) i32 clear(u32 cap) { return clear_sized(cap, cap / 2 * 48); }

// The rows and key bytes of the last object this instance scanned (its table when scan last
// returned; the sort and the merges drop the table, not these).
static u32 last_size, last_keys;

// Start an object's table at the size the last object's reached (at least `cap` slots): an object
// like the last fills it with no doubling, whose copies and rehash grow with the object's rows,
// and the memory the doublings leave behind is not taken. Falls back to `cap` slots when that
// much memory cannot be had. Returns 0 on out-of-memory.
EXPORT(clear_like_last) i32 clear_like_last(u32 cap) {
  unsigned long long want = cap;
  while (want < 2ull * last_size + 3) want *= 2; // room for last_size rows: (size + 1) * 2 <= mask
  if (want > cap && want < (1ull << 28)) {
    unsigned long long per = last_size ? last_keys / last_size + 1 : 48;
    unsigned long long kc = want / 2 * (per > 48 ? per : 48);
    if (kc < (1ull << 31) && clear_sized((u32)want, (u32)kc)) return 1;
  }
  return clear(cap);
}

// The table's arrays lie back to back as clear_sized lays them out: Int32 columns, Float64
// columns, slots, key bytes, the last at the top of the heap. A doubling then takes only what the
// table grows by: the key bytes move up, the Float64 rows after them, and the slots are rebuilt
// between, where taking new arrays would leave the old ones behind (the kernel's memory keeps its
// high-water mark: the table's size twice over at each doubling, a 1 M-slot table 46 MB more).
static inline size_t round16(size_t n) { return (n + 15) & ~(size_t)15; }

static i32 in_place(void) {
  u32 ec = entry_cap;
  return (u8 *)nums == (u8 *)ints + (size_t)ec * INT_STRIDE * 4 && (u8 *)slots == (u8 *)nums + (size_t)ec * NUM_STRIDE * 8 &&
         keys == (u8 *)slots + (size_t)(mask + 1) * 4 && keys + round16(key_cap) == heap_top;
}

static void rebuild_slots(u32 *ns, u32 m) {
  __builtin_memset(ns, 0, ((size_t)m + 1) * 4);
  for (u32 e = 0; e < size; e++) {
    u32 s = (u32)ints[e * INT_STRIDE + I_HASH] & m;
    while (ns[s]) s = (s + 1) & m;
    ns[s] = (e + 1) | slot_tag(ints[e * INT_STRIDE + I_HASH]);
  }
}

static i32 grow_entries(void) {
  u32 cap = (mask + 1) * 2, ec = cap / 2;
  if (in_place()) {
    u8 *base = (u8 *)ints;
    size_t ib = (size_t)ec * INT_STRIDE * 4, nb = (size_t)ec * NUM_STRIDE * 8, sb = (size_t)cap * 4;
    if (!take(ib + nb + sb - (size_t)(keys - base))) return 0;
    u8 *nk = base + ib + nb + sb;
    double *nn = (double *)(base + ib);
    // Upwards, the key bytes first (the Float64 rows move over where they were).
    __builtin_memmove(nk, keys, key_used);
    __builtin_memmove(nn, nums, (size_t)size * NUM_STRIDE * 8);
    rebuild_slots((u32 *)(base + ib + nb), cap - 1);
    nums = nn; slots = (u32 *)(base + ib + nb); keys = nk; mask = cap - 1; entry_cap = ec;
    return 1;
  }
  u32 *ns = take(cap * 4);
  i32 *ni = take(cap / 2 * INT_STRIDE * 4);
  double *nn = take(cap / 2 * NUM_STRIDE * 8);
  if (!ns || !ni || !nn) return 0;
  copy((u8 *)ni, (u8 *)ints, (size_t)size * INT_STRIDE * 4);
  copy((u8 *)nn, (u8 *)nums, (size_t)size * NUM_STRIDE * 8);
  ints = ni;
  rebuild_slots(ns, cap - 1);
  slots = ns; nums = nn; mask = cap - 1; entry_cap = ec;
  return 1;
}

static i32 grow_keys(u32 need) {
  u32 cap = key_cap * 2;
  while (cap < need) cap *= 2;
  // At the top of the heap (as the table lies after clear_sized), the key bytes grow in place.
  if (keys + round16(key_cap) == heap_top) {
    if (!take(round16(cap) - round16(key_cap))) return 0;
    key_cap = cap;
    return 1;
  }
  u8 *nk = take(cap);
  if (!nk) return 0;
  copy(nk, keys, key_used);
  keys = nk; key_cap = cap;
  return 1;
}


// table.ts hashField: four bytes per multiply, then the tail with the length.
static inline i32 hash_field(i32 h, const u8 *b, i32 len) {
  i32 i = 0;
  for (; i + 4 <= len; i += 4) h = (i32)((u32)(h ^ (i32)load32(b + i)) * HASH_FIELD_MUL);
  i32 w = len << 24;
  for (i32 k = 0; i < len; i++, k += 8) w ^= (i32)b[i] << k;
  return (i32)((u32)(h ^ w) * HASH_TAIL_MUL);
}

static inline i32 mix_numbers(i32 h, i32 sp, i32 dp, i32 pr) {
  h = (i32)((u32)(h ^ sp) * HASH_MIX_SPORT);
  h = (i32)((u32)(h ^ dp) * HASH_MIX_DPORT);
  h = (i32)((u32)(h ^ pr) * HASH_MIX_PROTO);
  return (i32)((u32)h ^ ((u32)h >> HASH_MIX_SHIFT));
}

static const u8 DASH[1] = { '-' };

// Eight bytes of one value each (SWAR constants: no wide literals, see the contract test).
#define BYTES8(b) ((u64)(b) * (~0ULL / 0xFFu))
#define HIGH_BITS8 BYTES8(0x80u)

// The value of the `len` (1..8) ASCII digits at b, or -1 if one is not a digit. Reads eight
// bytes (the input is padded past its end), all below 0x80 (the kernel is given ASCII only).
// The digits are moved to the top of the word and the room below filled with '0's, then
// combined pairwise (byte 0, the first digit, is the most significant).
static inline __attribute__((always_inline)) long long digits8(const u8 *b, i32 len) {
  u64 v = *(const u64_unaligned *)b;
  if (len < 8) v = (v << (8 * (8 - len))) | (BYTES8('0') >> (8 * len));
  u64 d = v - BYTES8('0');
  // A byte below '0' borrows (its top bit set); one above '9' passes 0x7f when 0x46 is added.
  if (((d | (v + BYTES8(0x46u))) & HIGH_BITS8) != 0) return -1;
  d = (d * 10 + (d >> 8)) & (~0ULL / 0xFFFFu * 0xFFu);          // two digits in each 16 bits
  d = (d * 100 + (d >> 16)) & ((((u64)1 << 32) | 1) * 0xFFFFu);  // four in each 32 bits
  return (long long)(u32)(d * 10000 + (d >> 32));
}

// Parse a field as a non-negative integer of at most MAX_FAST_DIGITS digits. -1: `-` or absent; -2: anything
// else (not an integer, empty, or too long: the JavaScript scanner then decides).
static inline __attribute__((always_inline)) double parse_int(const u8 *b, i32 len) {
  if (len == 1 && b[0] == '-') return -1;
  if (len == 0 || len > MAX_FAST_DIGITS) return -2;
  if (len <= 8) {
    long long v = digits8(b, len);
    return v < 0 ? -2 : (double)v;
  }
  long long hi = digits8(b, len - 8), lo = digits8(b + len - 8, 8);
  if ((hi | lo) < 0) return -2;
  return (double)(hi * 100000000LL + lo);
}


static inline void count_line(i32 bytes) {
  counters[C_LINES] += 1; counters[C_RECORDS] += 1; counters[C_BYTES_READ] += bytes;
}

// Whether input[s, e) (s < 0: the field is absent, '-') is one of the `n` filter values from
// `*at` on; moves `*at` past them.
static i32 in_filter(const u8 **at, i32 n, i32 s, i32 e) {
  const u8 *f = *at, *v = s < 0 ? (const u8 *)"-" : input + s;
  i32 len = s < 0 ? 1 : e - s, found = 0;
  for (i32 i = 0; i < n; i++) {
    i32 l = *f++;
    if (!found && l == len && same_bytes(f, v, len)) found = 1;
    f += l;
  }
  *at = f;
  return found;
}

// Scan complete lines of input[from, to) (to is just past a '\n'). Returns `to` when every line
// was handled, else the offset of the first line left for JavaScript. Returns -1 - p when the
// table cannot grow (out of memory) at the line starting at p: nothing of that line is counted or
// stored, so the caller scans the rest of the object, from p, in JavaScript.
static i32 scan_lines(i32 from, i32 to);

EXPORT(scan) i32 scan(i32 from, i32 to) {
  i32 r = scan_lines(from, to);
  last_size = size; last_keys = key_used;
  return r;
}

// The scan takes lines in batches: it parses up to SCAN_BATCH lines (fields, numbers, the key's
// hash), then reads the hash slot of each row among them, then counts and inserts them in order.
// At high cardinality each row's slot is a cache miss: read together, the misses of a batch
// overlap (WebAssembly has no prefetch; independent loads are the way to ask for one). Nothing is
// counted before the commit, so a line left to JavaScript, or a table out of memory, ends the
// batch exactly there.
#define SCAN_BATCH 16
// Loops that reach rows in an order of their own (merges, layouts) touch the row this many steps
// ahead, for the same reason.
#define AHEAD 8
// Tables of at least this many slots (past the caches, measured: at 2^16 slots and fewer, batches
// cost the scan up to 8% and save nothing) are scanned in batches; set_scan_batch_from changes it (tests).
#define BATCH_FROM_SLOTS (1u << 17)
static u32 batch_from_slots = BATCH_FROM_SLOTS;
EXPORT(set_scan_batch_from) void set_scan_batch_from(u32 slots) { batch_from_slots = slots ? slots : BATCH_FROM_SLOTS; }

enum { L_BLANK, L_NODATA, L_SKIPDATA, L_FILTERED, L_ROW };

typedef struct {
  i32 kind, p, bytes; // bytes: what count_line counts (the newline, not a '\r' before it)
  i32 hash, klen, isp, idp, ipr;
  double pk, by, t0, t1;
} Line;

static Line batch[SCAN_BATCH];
// Per line of the batch, per key field: its bytes input[a, b), or a < 0 for a field the format lacks ('-').
static i32 batch_a[SCAN_BATCH][KERNEL_KEY_SLOTS], batch_b[SCAN_BATCH][KERNEL_KEY_SLOTS];
static volatile u32 touched_sink; // what early reads add up to: stored, so that they are made

// Parse the line at `p` into *L, its key fields' places into ka/kb: `key_n` fields, read by role
// (the v2 key) or through key_cols. Returns the offset past its newline, or -1 when JavaScript
// must read the line (nothing of it is recorded). Inlined into the scan for the v2 key with its
// counts constant, and into parse_line_by_column for any other key. The loops over the key's
// fields are unrolled by pragma (the kernel is built without unrolling, scripts/build-wasm.sh):
// for the v2 key the fields' places then stay in registers, not in memory (6% of the scan at 1%
// rows per record; reading them through key_cols cost it 5-7%).
static inline __attribute__((always_inline)) i32 parse_line(i32 p, Line *L, i32 *ka, i32 *kb, i32 key_n, i32 by_role) {
  i32 fs[ROLE_COUNT], fe[ROLE_COUNT];
  i32 starts[64], ends[64];
  const v128_t space = wasm_i8x16_splat(' '), newline = wasm_i8x16_splat('\n');
  // Separators 16 bytes at a time (the input buffer is padded for the over-read); bits are
  // taken in order, so the line's newline ends the search before any byte past it counts.
  i32 n = 0, s = p, e = p;
  for (i32 i = p;; i += 16) {
    v128_t v = wasm_v128_load(input + i);
    u32 m = wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(v, space), wasm_i8x16_eq(v, newline)));
    while (m) {
      i32 at = i + __builtin_ctz(m);
      m &= m - 1;
      if (input[at] == '\n') { e = at; goto found; }
      if (n >= 63) return -1;
      starts[n] = s; ends[n] = at; n++; s = at + 1;
    }
  }
found:;
  i32 next = e + 1;
  if (e > p && input[e - 1] == '\r') e--;
  L->p = p;
  L->bytes = e - p + 1;
  if (e == p) { L->kind = L_BLANK; return next; }
  starts[n] = s; ends[n] = e; n++;
  if (n != ncols) return -1;
  #pragma clang loop unroll(full)
  for (i32 r = 1; r < ROLE_COUNT; r++) {
    i32 c = column_of[r];
    if (c >= 0) { fs[r] = starts[c]; fe[r] = ends[c]; } else { fs[r] = -1; fe[r] = -1; }
  }

  i32 nodata = 0;
  if (fs[R_STATUS] >= 0) {
    const u8 *st = input + fs[R_STATUS];
    i32 len = fe[R_STATUS] - fs[R_STATUS];
    if (len == 2 && st[0] == 'O' && st[1] == 'K') nodata = 0;
    else if (len == 6 && st[0] == 'N' && st[1] == 'O' && st[2] == 'D' && st[3] == 'A' && st[4] == 'T' && st[5] == 'A') nodata = 1;
    else if (len == 8 && st[0] == 'S' && st[1] == 'K' && st[2] == 'I' && st[3] == 'P' && st[4] == 'D' && st[5] == 'A' && st[6] == 'T' && st[7] == 'A') nodata = 2;
    else return -1;
  }
  double end = fs[R_END] >= 0 ? parse_int(input + fs[R_END], fe[R_END] - fs[R_END]) : -1;
  if (end == -2) return -1;
  if (nodata) {
    if (has_window && (end < 0 || end < window_start || end >= window_end)) L->kind = L_FILTERED;
    else L->kind = nodata == 1 ? L_NODATA : L_SKIPDATA;
    return next;
  }
  double sp = fs[R_SRCPORT] >= 0 ? parse_int(input + fs[R_SRCPORT], fe[R_SRCPORT] - fs[R_SRCPORT]) : -1;
  double dp = fs[R_DSTPORT] >= 0 ? parse_int(input + fs[R_DSTPORT], fe[R_DSTPORT] - fs[R_DSTPORT]) : -1;
  double pr = fs[R_PROTOCOL] >= 0 ? parse_int(input + fs[R_PROTOCOL], fe[R_PROTOCOL] - fs[R_PROTOCOL]) : -1;
  double st = fs[R_START] >= 0 ? parse_int(input + fs[R_START], fe[R_START] - fs[R_START]) : -1;
  double pk = fs[R_PACKETS] >= 0 ? parse_int(input + fs[R_PACKETS], fe[R_PACKETS] - fs[R_PACKETS]) : -1;
  double by = fs[R_BYTES] >= 0 ? parse_int(input + fs[R_BYTES], fe[R_BYTES] - fs[R_BYTES]) : -1;
  if (sp == -2 || dp == -2 || pr == -2 || st == -2 || pk == -2 || by == -2 || sp > MAX_PORT || dp > MAX_PORT || pr > MAX_PROTOCOL) return -1;
  if (st >= 0 && end >= 0 && st > end) return -1; // start after end: malformed, JavaScript says why

  if (has_window && (end < 0 || end < window_start || end >= window_end)) { L->kind = L_FILTERED; return next; }
  if (filter_accounts | filter_regions) {
    const u8 *at = filter_values;
    if ((filter_accounts && !in_filter(&at, filter_accounts, fs[R_ACCOUNT], fe[R_ACCOUNT])) ||
        (filter_regions && !in_filter(&at, filter_regions, fs[R_REGION], fe[R_REGION]))) {
      L->kind = L_FILTERED;
      return next;
    }
  }

  // A key without a port or the protocol holds -1 there (so the ephemeral rule needs both ports).
  i32 isp = key_numbers & 1 ? (i32)sp : -1, idp = key_numbers & 2 ? (i32)dp : -1, ipr = key_numbers & 4 ? (i32)pr : -1;
  if (isp > 0 && idp > 0) { if (isp >= idp) isp = 0; else idp = 0; }

  // The key's fields (by column, as JavaScript's addKeyed reads them; v2's by role) and its hash.
  i32 h = (i32)HASH_SEED;
  i32 klen = key_n - 1;
  #pragma clang loop unroll(full)
  for (i32 q = 0; q < key_n; q++) {
    i32 a, b;
    if (by_role) { a = fs[R_ACCOUNT + q]; b = fe[R_ACCOUNT + q]; }
    else { i32 c = key_cols[q]; a = c < 0 ? -1 : starts[c]; b = c < 0 ? -1 : ends[c]; }
    ka[q] = a; kb[q] = b;
    if (a < 0) { h = hash_field(h, DASH, 1); klen += 1; }
    else { h = hash_field(h, input + a, b - a); klen += b - a; }
  }
  L->hash = mix_numbers(h, isp, idp, ipr);
  L->klen = klen; L->isp = isp; L->idp = idp; L->ipr = ipr;
  L->pk = pk; L->by = by;
  // A record with one time only is an instant at that time (as scanner.ts), so a row's start never passes its end.
  L->t0 = st >= 0 ? st : end; L->t1 = end >= 0 ? end : st;
  L->kind = L_ROW;
  return next;
}

// parse_line for any key but v2's, out of line: the scan's own function (compiled eagerly in every
// worker) then holds one copy of the key's code. The lean kernel's scan takes the v2 key only:
// there it is never called (nor key_entry_by_column), and stands for "leave the line".
#ifdef KERNEL_LEAN
#define parse_line_by_column(p, L, ka, kb) (-1)
#else
static __attribute__((noinline)) i32 parse_line_by_column(i32 p, Line *L, i32 *ka, i32 *kb) {
  return parse_line(p, L, ka, kb, key_slots, 0);
}
#endif

// A key's leading fields that lie side by side in the line (each one space after the one before,
// none absent; v2's account-id, interface-id, srcaddr and dstaddr) are, as stored, the line's bytes
// with each space a NUL (a field holds no space). Sixteen bytes at a time, `len` of 16 or more (the
// last sixteen overlapping those before): whether stored key `k` begins with them, and their copy.
static inline __attribute__((always_inline)) v128_t spaces_as_nul(const u8 *in) {
  v128_t v = wasm_v128_load(in);
  return wasm_v128_andnot(v, wasm_i8x16_eq(v, wasm_i8x16_splat(' ')));
}
static inline __attribute__((always_inline)) i32 same_span(const u8 *k, const u8 *in, i32 len) {
  for (i32 i = 0; i + 16 < len; i += 16)
    if (!wasm_i8x16_all_true(wasm_i8x16_eq(spaces_as_nul(in + i), wasm_v128_load(k + i)))) return 0;
  return wasm_i8x16_all_true(wasm_i8x16_eq(spaces_as_nul(in + len - 16), wasm_v128_load(k + len - 16)));
}
static inline __attribute__((always_inline)) void copy_span(u8 *k, const u8 *in, i32 len) {
  for (i32 i = 0; i + 16 < len; i += 16) wasm_v128_store(k + i, spaces_as_nul(in + i));
  wasm_v128_store(k + len - 16, spaces_as_nul(in + len - 16));
}

// The row's entry in the scan table (found, or inserted zeroed), or -1 when the table cannot
// grow. Its key: the `key_n` fields at ka/kb, its numbers and hash as parsed.
static inline __attribute__((always_inline)) i32 key_entry(const Line *L, const i32 *ka, const i32 *kb, i32 key_n) {
  const i32 hash = L->hash, klen = L->klen, isp = L->isp, idp = L->idp, ipr = L->ipr;
  // The leading fields side by side (f of them, `span` bytes), taken as one span when 16 bytes or more.
  i32 f = 1;
  #pragma clang loop unroll(full)
  for (i32 q = 1; q < key_n; q++)
    if (f == q && ka[q] >= 0 && ka[q] == kb[q - 1] + 1) f = q + 1;
  i32 span = ka[0] >= 0 && f > 1 ? kb[f - 1] - ka[0] : 0;
  if (span < 16) { f = 0; span = 0; }
  // Find the entry, comparing the stored NUL-joined key: the span, then field by field.
  u32 slot = (u32)hash & mask, tag = slot_tag(hash);
  i32 entry = -1;
  for (;;) {
    u32 sv = slots[slot];
    if (!sv) break;
    if ((sv & ~SLOT_ENTRY_MASK) != tag) { slot = (slot + 1) & mask; continue; }
    sv &= SLOT_ENTRY_MASK;
    i32 *row = ints + (sv - 1) * INT_STRIDE;
    if (row[I_HASH] == hash && row[I_KEYLEN] == klen && row[I_SPORT] == isp && row[I_DPORT] == idp && row[I_PROTO] == ipr) {
      const u8 *k = keys + row[I_KEYOFF];
      i32 same = span == 0 || same_span(k, input + ka[0], span);
      k += span;
      #pragma clang loop unroll(full)
      for (i32 q = 0; q < key_n && same; q++) {
        if (q < f) continue;
        if (q > 0 && *k++ != 0) { same = 0; break; }
        i32 a = ka[q], b = kb[q];
        if (a < 0) {
          if (*k++ != '-') { same = 0; break; }
          continue;
        }
        if (!same_bytes(k, input + a, b - a)) { same = 0; break; }
        k += b - a;
      }
      if (same) { entry = (i32)sv - 1; break; }
    }
    slot = (slot + 1) & mask;
  }
  if (entry < 0) {
    // Room first, so that running out of memory leaves the table as it was.
    if (size >= SLOT_ENTRIES_MAX) return -1;
    if (key_used + (u32)klen > key_cap && !grow_keys(key_used + (u32)klen)) return -1;
    if ((size + 1) * 2 > mask) {
      if (!grow_entries()) return -1;
      slot = (u32)hash & mask;
      while (slots[slot]) slot = (slot + 1) & mask;
    }
    u8 *k = keys + key_used;
    if (span) copy_span(k, input + ka[0], span);
    k += span;
    #pragma clang loop unroll(full)
    for (i32 q = 0; q < key_n; q++) {
      if (q < f) continue;
      if (q > 0) *k++ = 0;
      i32 a = ka[q], b = kb[q];
      if (a < 0) { *k++ = '-'; continue; }
      copy_small(k, input + a, (size_t)(b - a));
      k += b - a;
    }
    entry = (i32)size++;
    i32 *row = ints + entry * INT_STRIDE;
    row[I_KEYOFF] = (i32)key_used; row[I_KEYLEN] = klen; row[I_HASH] = hash; row[I_SPORT] = isp; row[I_DPORT] = idp; row[I_PROTO] = ipr;
    key_used += (u32)klen;
    double *v = nums + entry * NUM_STRIDE;
    v[N_PKTLO] = 0; v[N_PKTHI] = 0; v[N_BYTELO] = 0; v[N_BYTEHI] = 0; v[N_START] = __builtin_inf(); v[N_END] = -__builtin_inf(); v[N_RECORDS] = 0;
    slots[slot] = ((u32)entry + 1) | tag;
  }
  return entry;
}

// key_entry for any key but v2's, out of line (as parse_line_by_column).
#ifdef KERNEL_LEAN
#define key_entry_by_column(L, ka, kb) (-1)
#else
static __attribute__((noinline)) i32 key_entry_by_column(const Line *L, const i32 *ka, const i32 *kb) {
  return key_entry(L, ka, kb, key_slots);
}
#endif

// Read the slot of each row of the batch, and the hash of the entry a slot of the row's tag names:
// the loads the commit's first probe makes, made here together.
static inline void touch_slots(i32 n) {
  u32 acc = 0;
  for (i32 i = 0; i < n; i++) {
    if (batch[i].kind != L_ROW) continue;
    i32 hash = batch[i].hash;
    u32 sv = slots[(u32)hash & mask];
    if (sv && (sv & ~SLOT_ENTRY_MASK) == slot_tag(hash)) sv = (u32)ints[((sv & SLOT_ENTRY_MASK) - 1) * INT_STRIDE + I_HASH];
    acc += sv;
  }
  touched_sink = acc;
}

// Count the line and, a row, insert it. Returns -1 - p when the table had no room for the row at p
// (nothing of it counted), else 0.
static inline __attribute__((always_inline)) i32 commit_line(const Line *L, const i32 *ka, const i32 *kb, i32 by_role) {
  switch (L->kind) {
    case L_BLANK: counters[C_BLANK] += 1; return 0;
    case L_NODATA: count_line(L->bytes); counters[C_NODATA] += 1; return 0;
    case L_SKIPDATA: count_line(L->bytes); counters[C_SKIPDATA] += 1; return 0;
    case L_FILTERED: count_line(L->bytes); counters[C_FILTERED] += 1; return 0;
    default: break;
  }
  i32 entry = by_role ? key_entry(L, ka, kb, 5) : key_entry_by_column(L, ka, kb);
  if (entry < 0) return -1 - L->p;
  count_line(L->bytes);
  double *v = nums + entry * NUM_STRIDE;
  double pk = L->pk, by = L->by, t0 = L->t0, t1 = L->t1;
  if (pk >= 0) { counters[C_PACKETS_SEEN] = 1; double lo = v[N_PKTLO] + pk; if (lo >= TWO52) { v[N_PKTHI] += 1; lo -= TWO52; } v[N_PKTLO] = lo; }
  if (by >= 0) { counters[C_BYTES_SEEN] = 1; double lo = v[N_BYTELO] + by; if (lo >= TWO52) { v[N_BYTEHI] += 1; lo -= TWO52; } v[N_BYTELO] = lo; }
  if (t0 >= 0 && t0 < v[N_START]) v[N_START] = t0;
  if (t1 >= 0 && t1 > v[N_END]) v[N_END] = t1;
  v[N_RECORDS] += 1;
  counters[C_DIGESTED] += 1;
  return 0;
}

// Line by line: a table that fits the caches gains nothing from batches, and pays for them.
static inline __attribute__((always_inline)) i32 scan_each(i32 from, i32 to, i32 by_role) {
  Line L;
  i32 ka[KERNEL_KEY_SLOTS], kb[KERNEL_KEY_SLOTS];
  i32 p = from;
  while (p < to) {
    i32 next = by_role ? parse_line(p, &L, ka, kb, 5, 1) : parse_line_by_column(p, &L, ka, kb);
    if (next < 0) return p;
    i32 r = commit_line(&L, ka, kb, by_role);
    if (r < 0) return r;
    p = next;
  }
  return to;
}

static inline __attribute__((always_inline)) i32 scan_batches(i32 from, i32 to, i32 by_role) {
  i32 p = from;
  while (p < to) {
    i32 n = 0, left = -1;
    while (n < SCAN_BATCH && p < to) {
      i32 next = by_role ? parse_line(p, &batch[n], batch_a[n], batch_b[n], 5, 1)
                         : parse_line_by_column(p, &batch[n], batch_a[n], batch_b[n]);
      if (next < 0) { left = p; break; }
      p = next;
      n++;
    }
    touch_slots(n);
    for (i32 i = 0; i < n; i++) {
      i32 r = commit_line(&batch[i], batch_a[i], batch_b[i], by_role);
      if (r < 0) return r;
    }
    if (left >= 0) return left;
  }
  return to;
}

// Each a function of its own: where the line's parse is not inlined (a key by column), its
// results live in memory, and they must not in the v2 key's loops.
static __attribute__((noinline)) i32 scan_each_v2(i32 from, i32 to) { return scan_each(from, to, 1); }
static __attribute__((noinline)) i32 scan_batches_v2(i32 from, i32 to) { return scan_batches(from, to, 1); }
#ifndef KERNEL_LEAN
static __attribute__((noinline)) i32 scan_each_by_column(i32 from, i32 to) { return scan_each(from, to, 0); }
static __attribute__((noinline)) i32 scan_batches_by_column(i32 from, i32 to) { return scan_batches(from, to, 0); }
#endif

static i32 scan_lines(i32 from, i32 to) {
  i32 batched = mask + 1 >= batch_from_slots;
  if (key_by_role) return batched ? scan_batches_v2(from, to) : scan_each_v2(from, to);
#ifdef KERNEL_LEAN
  // Never started with another key (the wrapper widens the kernel first); were it, every line
  // goes back to JavaScript, which reads any key.
  return from;
#else
  return batched ? scan_batches_by_column(from, to) : scan_each_by_column(from, to);
#endif
}

// ---- the canonical order (src/digest/order.ts), as a sort of byte-comparable keys ----
//
// A run table's key columns are copied in (sort_prepare gives the room, in place of the scan
// table, which is dropped: the next object's start() begins another) and each entry's key is encoded once as a byte string that compares,
// bytewise, exactly as compareEntries compares entries:
//   the head (the key bytes before the `tail_fields`-th NUL from the end), each NUL as 00 FF,
//     then 00 01 to end it: below any byte that can follow in a longer head (a proper prefix
//     sorts first), and below a NUL (00 FF);
//   each numeric Int32 column, sign bit flipped, big-endian (so -1, absent, sorts first);
//   the tail bytes, escaped and ended the same way.
// Equal heads have equal encoded lengths, so the numbers only ever meet numbers. The key is thus
// of any width: any number of string fields on either side of any number of numbers.
// The encoded keys are sorted MSD on 8-byte words (sort_words): a group of entries that agree on
// the words before d reads its entries' word d once into a cached array (the only random reads
// of the keys), orders the (word, entry) pairs by LSD radix passes (big groups, bytes all share
// skipped) or three-way quicksort (small groups, the parts keep their cached words), and each
// run of equal words goes on to the next word, unless their keys ended in it.

static i32 *sort_ints; // INT_STRIDE columns per entry, as copied in
static u8 *sort_keys;  // the key bytes, as copied in

EXPORT(sort_ints_ptr) i32 *sort_ints_ptr(void) { return sort_ints; }
EXPORT(sort_keys_ptr) u8 *sort_keys_ptr(void) { return sort_keys; }

static u32 *sort_order; // the sorted entries (first in the heap: the layout keeps it)
static u32 sort_n;
static u8 *sort_mark;   // the heap's top past the order and the copied-in columns

// Room for n entries' order, their Int32 columns and `key_bytes` key bytes. The scan table is
// dropped (the next object's start() begins a new one). Returns 0 when memory cannot grow.
EXPORT(sort_prepare) i32 sort_prepare(u32 n, u32 key_bytes) {
  heap_top = (u8 *)(((size_t)&__heap_base + 15) & ~(size_t)15);
  size = 0; key_used = 0; mask = 0; slots = 0; ints = 0; nums = 0; keys = 0;
  sort_n = 0;
  sort_order = take((size_t)(n ? n : 1) * 4);
  sort_ints = take((size_t)(n ? n : 1) * INT_STRIDE * 4);
  sort_keys = take((size_t)key_bytes + 16); // 16: escape_into and prefix_end read past a key's end
  sort_mark = heap_top;
  return sort_order && sort_ints && sort_keys ? 1 : 0;
}

static u8 *enc;      // the encoded keys, back to back (8 zero bytes after the last)
static u32 *enc_off; // per entry: offset of its encoded key
static u32 *enc_len; // per entry: its length

// Big-endian word of encoded bytes [d, d + 8) of entry e, zero past the key's end.
static inline u64 word_at(u32 e, u32 d) {
  u32 len = enc_len[e];
  if (d >= len) return 0;
  u64 w = __builtin_bswap64(*(const u64_unaligned *)(enc + enc_off[e] + d));
  u32 rem = len - d;
  return rem >= 8 ? w : w & ~(~0ULL >> (8 * rem));
}

static i32 compare_from(u32 a, u32 b, u32 d) {
  for (;; d += 8) {
    u64 wa = word_at(a, d), wb = word_at(b, d);
    if (wa != wb) return wa < wb ? -1 : 1;
    if (d + 8 >= enc_len[a] || d + 8 >= enc_len[b]) return enc_len[a] < enc_len[b] ? -1 : enc_len[a] > enc_len[b];
  }
}

// Zero bytes of the 16 at b (bit i: b[i]), masked to the first `len` when fewer remain.
static inline u32 zeros16(const u8 *b, i32 len) {
  u32 m = (u32)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(b), wasm_i8x16_splat(0)));
  return len >= 16 ? m : m & ((1u << len) - 1);
}

// b[0, len) with each zero byte as 00 FF, then the end mark 00 01. Sixteen bytes at a time: a
// key's fields run a dozen bytes between their NULs. Reads and writes up to 15 bytes past the
// ends (sort_prepare and sort_entries leave that room).
static u8 *escape_into(u8 *o, const u8 *b, i32 len) {
  for (i32 i = 0; i < len;) {
    i32 rest = len - i;
    wasm_v128_store(o, wasm_v128_load(b + i));
    u32 m = zeros16(b + i, rest);
    if (m == 0) {
      i32 step = rest < 16 ? rest : 16;
      o += step; i += step;
      continue;
    }
    i32 z = __builtin_ctz(m);
    o += z; *o++ = 0; *o++ = 0xFF;
    i += z + 1;
  }
  *o++ = 0; *o++ = 1;
  return o;
}

typedef struct { u32 lo, n, d, loaded; } SortTask;

// The head of the key at sort_keys[off, off + len) ends at the tail_fields-th NUL from the end
// (no such NUL: the whole key, no tail). Returns that end.
static i32 head_end(i32 off, i32 len, i32 tail_fields) {
  i32 seen = 0;
  for (i32 i = off + len - 1; i >= off && tail_fields > 0; i--) {
    if (sort_keys[i] == 0 && ++seen == tail_fields) return i;
  }
  return off + len;
}

// Just past the second NUL of the head sort_keys[off, cut), or -1 when it has fewer.
static i32 prefix_end(i32 off, i32 cut) {
  i32 seen = 0;
  for (i32 i = off; i < cut; i += 16) {
    u32 m = zeros16(sort_keys + i, cut - i);
    if (m == 0) continue;
    if (seen == 0) {
      m &= m - 1; // the first NUL
      seen = 1;
      if (m == 0) continue;
    }
    return i + __builtin_ctz(m) + 1;
  }
  return -1;
}

#define PREFIX_MAX 65536      // distinct prefixes ranked at most
#define PREFIX_SLOTS 131072   // their hash slots

static i32 *pfx_off, *pfx_len; // per distinct prefix: its bytes

static inline i32 compare_bytes(const u8 *a, i32 la, const u8 *b, i32 lb);

static i32 prefix_less(u32 x, u32 y) {
  return compare_bytes(sort_keys + pfx_off[x], pfx_len[x], sort_keys + pfx_off[y], pfx_len[y]) < 0;
}

// An entry's prefix id (PFX_ID) and, while shorter than PFX_FAR bytes each, where its prefix and
// head end: PFX_LEN bytes from its key's start, PFX_TAIL bytes before its end (0: no tail).
// PFX_FAR: encode_keys finds them again.
#define PFX_FAR 0xFF
#define PFX_ID(v) ((v) & 0xFFFF)
#define PFX_LEN(v) (((v) >> 16) & 0xFF)
#define PFX_TAIL(v) ((v) >> 24)

// A prefix's slot among PREFIX_SLOTS: eight bytes a multiply (the last eight overlapping those
// before), not hash_field's four. The hash is prefix_ranks' own, not shared with JavaScript (so
// not in contract.h); its multipliers are 2^64 over the golden ratio and murmur3's fmix64 one.
#define PREFIX_SEED_MUL 11400714819323198485ull
#define PREFIX_WORD_MUL 18397679294719823053ull
static inline u32 prefix_hash(const u8 *b, i32 len) {
  u64 h = (u64)(u32)len * PREFIX_SEED_MUL;
  if (len >= 8) {
    for (i32 i = 0; i + 8 < len; i += 8) h = (h ^ *(const u64_unaligned *)(b + i)) * PREFIX_WORD_MUL;
    h = (h ^ *(const u64_unaligned *)(b + len - 8)) * PREFIX_WORD_MUL;
  } else {
    for (i32 i = 0; i < len; i++) h = (h ^ b[i]) * PREFIX_WORD_MUL;
  }
  return (u32)(h >> 40);
}

// Rank the distinct head prefixes (see sort_entries): sets id[e] to entry e's prefix id and the
// ends encode_keys would otherwise find again, and returns rank[id], or 0 to do without.
static u32 *prefix_ranks(u32 n, i32 tail_fields, u32 *id) {
  if (n < 64) return 0;
  u32 *slots = take(PREFIX_SLOTS * 4);
  pfx_off = take(PREFIX_MAX * 4); pfx_len = take(PREFIX_MAX * 4);
  u32 *order = take(PREFIX_MAX * 4), *tmp = take(PREFIX_MAX * 4), *rank = take(PREFIX_MAX * 4);
  if (!slots || !pfx_off || !pfx_len || !order || !tmp || !rank) return 0;
  for (u32 i = 0; i < PREFIX_SLOTS; i++) slots[i] = 0;
  u32 distinct = 0;
  for (u32 e = 0; e < n; e++) {
    const i32 *row = sort_ints + e * INT_STRIDE;
    i32 off = row[I_KEYOFF], len = row[I_KEYLEN];
    i32 cut = head_end(off, len, tail_fields), p = prefix_end(off, cut);
    if (p < 0) return 0;
    i32 plen = p - off, tail = off + len - cut;
    u32 ends = ((u32)(plen < PFX_FAR ? plen : PFX_FAR) << 16) | ((u32)(tail < PFX_FAR ? tail : PFX_FAR) << 24);
    u32 h = prefix_hash(sort_keys + off, plen) & (PREFIX_SLOTS - 1);
    for (;;) {
      u32 sv = slots[h];
      if (!sv) {
        if (distinct == PREFIX_MAX || distinct * 4 > n) return 0;
        pfx_off[distinct] = off; pfx_len[distinct] = plen;
        slots[h] = ++distinct;
        id[e] = (distinct - 1) | ends;
        break;
      }
      u32 d = sv - 1;
      if (pfx_len[d] == plen && same_bytes(sort_keys + pfx_off[d], sort_keys + off, plen)) { id[e] = d | ends; break; }
      h = (h + 1) & (PREFIX_SLOTS - 1);
    }
  }
  // Bottom-up merge sort of the distinct prefixes by their bytes.
  for (u32 i = 0; i < distinct; i++) order[i] = i;
  for (u32 w = 1; w < distinct; w *= 2) {
    for (u32 lo = 0; lo < distinct; lo += 2 * w) {
      u32 mid = lo + w < distinct ? lo + w : distinct, hi = lo + 2 * w < distinct ? lo + 2 * w : distinct;
      u32 i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = prefix_less(order[j], order[i]) ? order[j++] : order[i++];
      while (i < mid) tmp[k++] = order[i++];
      while (j < hi) tmp[k++] = order[j++];
    }
    u32 *t = order; order = tmp; tmp = t;
  }
  for (u32 i = 0; i < distinct; i++) rank[order[i]] = i;
  return rank;
}

// The steps of sort_entries run as many calls of the functions below, not one long call: the
// engine compiles a WebAssembly function first with its baseline compiler and swaps in the
// optimized code only for later calls, so work done in one call never gets the faster code.
#define SORT_CHUNK 4096
#define RADIX_MIN 256 // groups at least this big are radix-sorted on their cached word

// Encode the keys of the batch's entries [from, to) at o, back to back (see sort_entries);
// returns the end. Without ranks, the batch is the whole table, each entry at its own place;
// with ranks, entry list[i], at the next place of its rank (pos[rank]), remembered in batch_e.
__attribute__((noinline)) static u8 *encode_keys(u8 *o, u32 from, u32 to, const u32 *list, const u32 *rank,
                                                 const u32 *id, u32 *pos, u32 *batch_e, i32 tail_fields,
                                                 i32 num_first, i32 num_count) {
  for (u32 i = from; i < to; i++) {
    u32 e = i, j = i, r = 0, v = 0;
    if (rank) {
      e = list[i];
      v = id[e];
      r = rank[PFX_ID(v)];
      j = pos[r]++;
      batch_e[j] = e;
    }
    const i32 *row = sort_ints + e * INT_STRIDE;
    i32 off = row[I_KEYOFF], len = row[I_KEYLEN];
    i32 known = rank && PFX_LEN(v) != PFX_FAR && PFX_TAIL(v) != PFX_FAR;
    i32 cut = known ? off + len - (i32)PFX_TAIL(v) : head_end(off, len, tail_fields);
    u8 *start = o;
    if (rank) {
      i32 p = known ? off + (i32)PFX_LEN(v) : prefix_end(off, cut);
      *o++ = (u8)(r >> 24); *o++ = (u8)(r >> 16); *o++ = (u8)(r >> 8); *o++ = (u8)r;
      o = escape_into(o, sort_keys + p, cut - p);
    } else {
      o = escape_into(o, sort_keys + off, cut - off);
    }
    for (i32 k = 0; k < num_count; k++) {
      u32 w = (u32)row[num_first + k] ^ (1u << 31);
      *o++ = (u8)(w >> 24); *o++ = (u8)(w >> 16); *o++ = (u8)(w >> 8); *o++ = (u8)w;
    }
    if (cut < off + len) o = escape_into(o, sort_keys + cut + 1, off + len - cut - 1);
    enc_off[j] = (u32)(start - enc); enc_len[j] = (u32)(o - start);
  }
  return o;
}

static u32 *radix_x;  // room for the entries of the largest group (radix passes' other half)
static u64 *radix_c;
static u32 radix_hist[8][256];

// Sort the m pairs (cx[i], x[i]) by cx, stably: LSD radix, a byte a pass, skipping the bytes
// every word of the group shares (most of a word's bytes, past the first level).
static void radix_pairs(u32 *x, u64 *cx, u32 m) {
  for (u32 b = 0; b < 8; b++) for (u32 k = 0; k < 256; k++) radix_hist[b][k] = 0;
  for (u32 i = 0; i < m; i++) {
    u64 w = cx[i];
    for (u32 b = 0; b < 8; b++) radix_hist[b][(w >> (8 * b)) & 0xFF]++;
  }
  u32 *sx = x, *dx = radix_x;
  u64 *sc = cx, *dc = radix_c;
  for (u32 b = 0; b < 8; b++) {
    u32 *h = radix_hist[b];
    if (h[(sc[0] >> (8 * b)) & 0xFF] == m) continue; // one value of this byte: nothing moves
    u32 sum = 0;
    for (u32 k = 0; k < 256; k++) { u32 t = h[k]; h[k] = sum; sum += t; }
    for (u32 i = 0; i < m; i++) {
      u64 w = sc[i];
      u32 at = h[(w >> (8 * b)) & 0xFF]++;
      dc[at] = w; dx[at] = sx[i];
    }
    u32 *tx = sx; sx = dx; dx = tx;
    u64 *tc = sc; sc = dc; dc = tc;
  }
  if (sx != x) {
    for (u32 i = 0; i < m; i++) { x[i] = sx[i]; cx[i] = sc[i]; }
  }
}

// One group of sort_words: its entries all share the encoded bytes before word d. Orders them
// by word d and pushes the groups still to order; returns the new top of the stack.
__attribute__((noinline)) static u32 sort_group(u32 *a, u64 *c, SortTask t, SortTask *stack, u32 top) {
  u32 *x = a + t.lo;
  u64 *cx = c + t.lo;
  u32 m = t.n, d = t.d;
  if (!t.loaded) for (u32 i = 0; i < m; i++) cx[i] = word_at(x[i], d);
  if (m >= RADIX_MIN) {
    radix_pairs(x, cx, m);
    // Runs of one word go on to the next word, unless their keys ended in it.
    for (u32 s = 0; s < m;) {
      u32 e = s + 1;
      while (e < m && cx[e] == cx[s]) e++;
      if (e - s > 1 && enc_len[x[s]] > d + 8) stack[top++] = (SortTask){ t.lo + s, e - s, d + 8, 0 };
      s = e;
    }
    return top;
  }
  u64 p0 = cx[0], p1 = cx[m / 2], p2 = cx[m - 1], v;
  if (p0 < p1) v = p1 < p2 ? p1 : (p0 < p2 ? p2 : p0);
  else v = p0 < p2 ? p0 : (p1 < p2 ? p2 : p1);
  u32 lt = 0, i = 0, gt = m;
  while (i < gt) {
    u64 ci = cx[i];
    if (ci < v) {
      u32 ti = x[lt]; x[lt] = x[i]; x[i] = ti;
      cx[i] = cx[lt]; cx[lt] = ci;
      lt++; i++;
    } else if (ci > v) {
      gt--;
      u32 ti = x[gt]; x[gt] = x[i]; x[i] = ti;
      cx[i] = cx[gt]; cx[gt] = ci;
    } else i++;
  }
  // The smaller and larger parts keep their cached words (they moved with their entries).
  if (lt > 1) stack[top++] = (SortTask){ t.lo, lt, d, 1 };
  if (m - gt > 1) stack[top++] = (SortTask){ t.lo + gt, m - gt, d, 1 };
  // Equal words: on to the next word, unless the keys ended in this one. (Encoded keys are
  // prefix-free, so one that ended here equals every key of its group: a table holds no key
  // twice, but the order stays well defined.)
  if (gt - lt > 1 && enc_len[x[lt]] > d + 8) stack[top++] = (SortTask){ t.lo + lt, gt - lt, d + 8, 0 };
  return top;
}

// Sort entries a[lo, lo + n) by their encoded keys: MSD on 8-byte words; within a word, LSD radix
// for big groups and three-way quicksort for small ones, both on one cached word an entry.
static void sort_words(u32 *a, u64 *c, u32 lo, u32 n, SortTask *stack) {
  u32 top = 0;
  stack[top++] = (SortTask){ lo, n, 0, 0 };
  while (top) {
    SortTask t = stack[--top];
    u32 *x = a + t.lo;
    u32 m = t.n, d = t.d;
    if (m < 2) continue;
    if (m < 12) {
      for (u32 i = 1; i < m; i++) {
        u32 v = x[i], j = i;
        while (j > 0 && compare_from(x[j - 1], v, d) > 0) { x[j] = x[j - 1]; j--; }
        x[j] = v;
      }
      continue;
    }
    top = sort_group(a, c, t, stack, top);
  }
}

// Entries sorted a batch at a time at least this many (with ranks; see sort_entries).
#define SORT_BATCH 65536
static u32 sort_batch = SORT_BATCH;

// Tests: the least entries of a batch (0: the default), so tiny batches can be forced.
EXPORT(set_sort_batch) void set_sort_batch(u32 entries) { sort_batch = entries ? entries : SORT_BATCH; }

// With ranks, the ranks of the batch that starts at rank r0: [r0, return), whole ranks while
// they hold at most `batch` entries (at least one rank).
static u32 batch_end(const u32 *first, u32 ranks, u32 r0, u32 batch) {
  u32 r1 = r0 + 1;
  while (r1 < ranks && first[r1 + 1] - first[r0] <= batch) r1++;
  return r1;
}

// Entries in canonical order: a pointer to n Int32 entry indexes, or 0 when memory cannot grow.
// `tail_fields`: string fields after the numbers (1: action); the numbers are the Int32 columns
// num_first .. num_first + num_count - 1.
//
// Memory: past the order and the copied-in columns (sort_prepare), 4 B an entry (its prefix id)
// and the room of one batch (its encoded keys, offsets, lengths, cached words, radix halves and
// stack: about 2L + 60 B an entry of the batch). With ranks, a batch is whole ranks of at least
// sort_batch entries in all (or the largest rank's), so the sort takes little more than the
// columns it sorts; without ranks, the one batch is the whole table.
EXPORT(sort_entries) i32 *sort_entries(u32 n, i32 tail_fields, i32 num_first, i32 num_count) {
  heap_top = sort_mark; // the room of an earlier sort or layout of this table
  size_t m1 = n ? n : 1;
  u32 *a = sort_order;
  sort_n = n;
  u32 *id = take(m1 * 4);
  if (!id) return 0;
  // Most entries share a few (account, interface) pairs: the bytes through the head's second
  // NUL. Those prefixes are ranked once (id[e] holds each entry's prefix id) and each key starts
  // with its prefix's rank (4 bytes) in place of them, so the first word already tells most
  // entries apart. Two such prefixes are never one a proper prefix of the other (both end at
  // their second NUL), so their ranks order keys exactly as their bytes do. Skipped when a head
  // has fewer than two NULs or the prefixes are too many to be worth it.
  u32 *rank = prefix_ranks(n, tail_fields, id);
  // With ranks, each rank's entries are sorted on their own, in rank order (the first radix pass,
  // over the first 4 bytes, as a counting sort): first[r] is where rank r's entries start.
  u32 ranks = 1;
  if (rank) for (u32 e = 0; e < n; e++) if (rank[PFX_ID(id[e])] + 1 > ranks) ranks = rank[PFX_ID(id[e])] + 1;
  u32 *first = take(((size_t)ranks + 1) * 4), *pos = take((size_t)ranks * 4);
  size_t *bound = take((size_t)ranks * sizeof(size_t)); // per rank: its encoded keys' bytes at most
  if (!first || !pos || !bound) return 0;
  for (u32 r = 0; r <= ranks; r++) first[r] = 0;
  for (u32 r = 0; r < ranks; r++) bound[r] = 0;
  for (u32 e = 0; e < n; e++) {
    u32 r = rank ? rank[PFX_ID(id[e])] : 0;
    first[r + 1]++;
    bound[r] += (size_t)sort_ints[e * INT_STRIDE + I_KEYLEN] * 2 + 4 + (size_t)num_count * 4;
  }
  for (u32 r = 0; r < ranks; r++) first[r + 1] += first[r];
  // The batches: their largest entry count and encoded bytes size the one room they reuse.
  u32 batch = n, most = 1;
  if (rank) {
    batch = sort_batch;
    for (u32 r = 0; r < ranks; r++) if (first[r + 1] - first[r] > batch) batch = first[r + 1] - first[r];
  }
  // Each batch's entries in table order (reading the table in rank order instead costs more in
  // cache misses than it saves the sort), in a: the batch of ranks [r0, r1) at
  // [first[r0], first[r1]), where its sorted entries go (pos[r] is rank r's batch meanwhile).
  size_t need = 8;
  u32 batches = 0;
  for (u32 r0 = 0; r0 < ranks;) {
    u32 r1 = rank ? batch_end(first, ranks, r0, batch) : ranks;
    size_t bytes = 8;
    for (u32 r = r0; r < r1; r++) { bytes += bound[r]; pos[r] = batches; }
    bound[batches++] = first[r0]; // (bound[r] is read no more for r <= r0)
    if (bytes > need) need = bytes;
    if (first[r1] - first[r0] > most) most = first[r1] - first[r0];
    r0 = r1;
  }
  if (rank) for (u32 e = 0; e < n; e++) a[bound[pos[rank[PFX_ID(id[e])]]]++] = e;
  enc = take(need + 16); // 16: escape_into writes whole vectors
  u32 *x = rank ? take((size_t)most * 4) : a; // the batch's entries, as batch places, sorted
  u32 *batch_e = rank ? take((size_t)most * 4) : 0; // per batch place: its entry
  u64 *c = take((size_t)most * 8);
  enc_off = take((size_t)most * 4);
  enc_len = take((size_t)most * 4);
  // Each task on the stack is a group of two or more entries, disjoint from the others.
  SortTask *stack = take(((size_t)most / 2 + 1) * sizeof(SortTask));
  radix_x = take((size_t)most * 4);
  radix_c = take((size_t)most * 8);
  if (!enc || !x || (rank && !batch_e) || !enc_off || !enc_len || !stack || !c || !radix_x || !radix_c) return 0;
  // Each batch's keys are encoded, then its ranks are sorted one by one.
  for (u32 r0 = 0; r0 < ranks;) {
    u32 r1 = rank ? batch_end(first, ranks, r0, batch) : ranks, base = first[r0], m = first[r1] - base;
    for (u32 r = r0; r < r1; r++) pos[r] = first[r] - base;
    u8 *o = enc;
    for (u32 from = 0; from < m; from += SORT_CHUNK)
      o = encode_keys(o, from, from + SORT_CHUNK < m ? from + SORT_CHUNK : m, a + base, rank, id, pos, batch_e,
                      tail_fields, num_first, num_count);
    for (i32 i = 0; i < 8; i++) o[i] = 0;
    for (u32 j = 0; j < m; j++) x[j] = j;
    for (u32 r = r0; r < r1; r++) sort_words(x, c, first[r] - base, first[r + 1] - first[r], stack);
    if (rank) for (u32 j = 0; j < m; j++) a[base + j] = batch_e[x[j]];
    r0 = r1;
  }
  return (i32 *)a;
}

// ---- the range merge and the text format (src/digest/runs.ts RunCursor, format.ts RowWriter) ----
//
// A range of sorted runs, each run's part of it copied in back to back (the sort task lays each
// run table out in canonical order, so a run's part of a range is one slice of each column):
// Int32 columns, Float64 columns, key bytes. Runs are merged exactly as RunCursor merges them
// (the first run holding the least key gives the key; equal keys of later runs add their values
// in run order), counted with the script RunCursor records, or formatted as RowWriter's text.

#define MAX_MERGE_RUNS 8

static i32 *m_ints;
static double *m_nums;
static u8 *m_keys;
static u8 *m_out;
static u8 *m_script;
static u32 m_entries;
static i32 m_runs;
// Per run: first entry (index into m_ints / m_nums), entries, and what to add to a copied
// I_KEYOFF to reach its bytes in m_keys.
// One array, so JavaScript writes all three through one pointer (merge_runs_ptr).
static i32 m_meta[3 * MAX_MERGE_RUNS];
#define m_first m_meta
#define m_count (m_meta + MAX_MERGE_RUNS)
#define m_keydelta (m_meta + 2 * MAX_MERGE_RUNS)

EXPORT(merge_ints_ptr) i32 *merge_ints_ptr(void) { return m_ints; }
EXPORT(merge_nums_ptr) double *merge_nums_ptr(void) { return m_nums; }
EXPORT(merge_keys_ptr) u8 *merge_keys_ptr(void) { return m_keys; }
EXPORT(merge_out_ptr) u8 *merge_out_ptr(void) { return m_out; }
EXPORT(merge_script_ptr) u8 *merge_script_ptr(void) { return m_script; }
EXPORT(merge_runs_ptr) i32 *merge_runs_ptr(void) { return m_meta; }

// Room for a range of `entries` entries over `runs` runs (at most MAX_MERGE_RUNS) with
// `key_bytes` key bytes, and `out_bytes` of output. Drops the scan table. 0: out of memory.
// The caller then writes m_first / m_count / m_keydelta (merge_runs_ptr: three arrays of
// MAX_MERGE_RUNS Int32s) and the columns.
EXPORT(merge_prepare) i32 merge_prepare(u32 entries, i32 runs, u32 key_bytes, u32 out_bytes) {
  heap_top = (u8 *)(((size_t)&__heap_base + 15) & ~(size_t)15);
  size = 0; key_used = 0; mask = 0; slots = 0; ints = 0; nums = 0; keys = 0;
  if (runs < 1 || runs > MAX_MERGE_RUNS) return 0;
  m_runs = runs; m_entries = entries;
  size_t e1 = entries ? entries : 1;
  m_ints = take(e1 * INT_STRIDE * 4);
  m_nums = take(e1 * NUM_STRIDE * 8);
  m_keys = take(key_bytes ? key_bytes : 1);
  m_script = take(e1);
  m_out = take(out_bytes ? out_bytes : 1);
  return m_ints && m_nums && m_keys && m_script && m_out ? 1 : 0;
}

static inline i32 last_nul(const u8 *k, i32 len) {
  // A key's last NUL starts its tail (an action, a few bytes): most often in its last sixteen.
  i32 i = len - 1;
  if (len >= 16) {
    u32 m = zeros16(k + len - 16, 16);
    if (m) return len - 16 + (31 - __builtin_clz(m));
    i = len - 17;
  }
  for (; i >= 0; i--) if (k[i] == 0) return i;
  return len;
}

// digest/order.ts compareBytes (lengths may be -1: a key without NUL has a tail of length -1).
// Sixteen bytes at a time while both have them: keys met in a merge share their long head
// (account, interface, much of an address), so most of a comparison is equal bytes.
static inline i32 compare_bytes(const u8 *a, i32 la, const u8 *b, i32 lb) {
  i32 n = la < lb ? la : lb, i = 0;
  for (; i + 16 <= n; i += 16) {
    u32 ne = ~(u32)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(a + i), wasm_v128_load(b + i))) & 0xFFFF;
    if (ne) {
      i += __builtin_ctz(ne);
      return (i32)a[i] - (i32)b[i];
    }
  }
  for (; i < n; i++) if (a[i] != b[i]) return (i32)a[i] - (i32)b[i];
  return la - lb;
}

static inline const u8 *key_of(i32 run, i32 e) { return m_keys + m_keydelta[run] + m_ints[e * INT_STRIDE + I_KEYOFF]; }

// digest/order.ts compareEntries, for entry ea of run ra and eb of run rb.
static i32 compare_merge(i32 ra, i32 ea, i32 rb, i32 eb) {
  const i32 *ia = m_ints + ea * INT_STRIDE, *ib = m_ints + eb * INT_STRIDE;
  const u8 *ka = key_of(ra, ea), *kb = key_of(rb, eb);
  i32 la = ia[I_KEYLEN], lb = ib[I_KEYLEN];
  i32 ha = last_nul(ka, la), hb = last_nul(kb, lb);
  i32 c = compare_bytes(ka, ha, kb, hb);
  if (c) return c;
  for (i32 col = I_SPORT; col <= I_PROTO; col++) {
    i32 d = ia[col] - ib[col];
    if (d) return d;
  }
  return compare_bytes(ka + ha + 1, la - ha - 1, kb + hb + 1, lb - hb - 1);
}


static i32 m_pos[MAX_MERGE_RUNS];
static double m_acc[NUM_STRIDE];

// The next merged row: its key's run and entry, its values in *vals; the runs it came from as a
// bit mask. 0 when the range is done.
// The run holding the least key at its position, or -1 when every run is done; the later runs
// whose key equals it go in ties (count in *nt).
static i32 merge_least(i32 *ties, i32 *nt) {
  i32 m = -1;
  *nt = 0;
  for (i32 t = 0; t < m_runs; t++) {
    if (m_pos[t] >= m_count[t]) continue;
    if (m < 0) { m = t; continue; }
    i32 c = compare_merge(t, m_first[t] + m_pos[t], m, m_first[m] + m_pos[m]);
    if (c < 0) { m = t; *nt = 0; }
    else if (c == 0) ties[(*nt)++] = t;
  }
  return m;
}

static u32 merge_next(i32 *run, i32 *entry, const double **vals) {
  i32 ties[MAX_MERGE_RUNS], nt;
  i32 m = merge_least(ties, &nt);
  if (m < 0) return 0;
  i32 me = m_first[m] + m_pos[m]++;
  u32 mask = 1u << m;
  *run = m; *entry = me;
  if (nt == 0) { *vals = m_nums + me * NUM_STRIDE; return mask; }
  for (i32 c = 0; c < NUM_STRIDE; c++) m_acc[c] = m_nums[me * NUM_STRIDE + c];
  for (i32 i = 0; i < nt; i++) {
    i32 t = ties[i];
    add_values(m_acc, m_nums + (m_first[t] + m_pos[t]++) * NUM_STRIDE);
    mask |= 1u << t;
  }
  *vals = m_acc;
  return mask;
}

static void merge_start(void) { for (i32 t = 0; t < m_runs; t++) m_pos[t] = 0; }

// Merge the range: the rows it merges into, with the script (one run mask a row) in m_script.
// Keys only: a count never reads the values (JavaScript does not copy them in for it).
EXPORT(merge_count) i32 merge_count(void) {
  merge_start();
  i32 rows = 0, ties[MAX_MERGE_RUNS], nt, m;
  while ((m = merge_least(ties, &nt)) >= 0) {
    u32 mask = 1u << m;
    m_pos[m]++;
    for (i32 i = 0; i < nt; i++) { m_pos[ties[i]]++; mask |= 1u << ties[i]; }
    m_script[rows++] = (u8)mask;
  }
  return rows;
}

static const u8 DIGIT_PAIRS[] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

// A non-negative integer in decimal at o; returns the end.
// The digits are written in place, last first, once their count is known: a digit buffer
// copied out would be a memory.copy a number, which V8 runs as a call.
static u8 *put_u64(u8 *o, u64 v) {
  u32 n = 1;
  for (u64 t = 10; n < 20 && v >= t; t *= 10) n++;
  u8 *end = o + n, *p = end;
  while (v >= 100) { u32 r = (u32)(v % 100) * 2; v /= 100; *--p = DIGIT_PAIRS[r + 1]; *--p = DIGIT_PAIRS[r]; }
  if (v >= 10) { *--p = DIGIT_PAIRS[v * 2 + 1]; *--p = DIGIT_PAIRS[v * 2]; }
  else *--p = (u8)('0' + v);
  return end;
}

#define TWO53 9007199254740992.0

// A double that RowWriter writes with writeInt: a whole number in [0, 2^53). Anything else is
// left to JavaScript (render_text then returns -1).
static inline i32 plain_int(double v) { return v >= 0 && v < TWO53 && v == (double)(u64)v; }
// A row's sum words and record count are all plain integers (else JavaScript writes the row).
static inline i32 plain_sums(const double *v) {
  return plain_int(v[N_PKTLO]) && plain_int(v[N_PKTHI]) && plain_int(v[N_BYTELO]) && plain_int(v[N_BYTEHI]) &&
         plain_int(v[N_RECORDS]);
}

// lo + hi * 2^52 in decimal (format.ts twoWord: exact, through 128 bits in four 32-bit limbs).
static u8 *put_two_word(u8 *o, double lo, double hi) {
  if (hi == 0) return put_u64(o, (u64)lo);
  u64 h = (u64)hi, l = (u64)lo;
  // (h << 52) + l as limbs, least significant first.
  u32 limb[4];
  u64 low = (h << 52) + l;
  u64 carry = ((h << 52) + l < l) ? 1 : 0;
  u64 high = (h >> 12) + carry;
  limb[0] = (u32)low; limb[1] = (u32)(low >> 32); limb[2] = (u32)high; limb[3] = (u32)(high >> 32);
  u32 parts[5];
  i32 np = 0;
  for (;;) {
    i32 zero = 1;
    u64 rem = 0;
    for (i32 i = 3; i >= 0; i--) {
      u64 cur = (rem << 32) | limb[i];
      limb[i] = (u32)(cur / 1000000000u);
      rem = cur % 1000000000u;
      if (limb[i]) zero = 0;
    }
    parts[np++] = (u32)rem;
    if (zero) break;
  }
  o = put_u64(o, parts[np - 1]);
  for (i32 i = np - 2; i >= 0; i--) {
    u32 v = parts[i];
    for (i32 k = 8; k >= 0; k--) { o[k] = (u8)('0' + v % 10); v /= 10; }
    o += 9;
  }
  return o;
}

// A text row's packets, bytes, start and end, space-separated ('-' for unseen sums and absent
// times): digest/format.ts RowWriter's and keyed-format.ts KeyedRowWriter's alike.
static inline __attribute__((always_inline)) u8 *put_text_values(u8 *o, const double *v, i32 packets_seen, i32 bytes_seen) {
  if (!packets_seen) *o++ = '-'; else o = put_two_word(o, v[N_PKTLO], v[N_PKTHI]);
  *o++ = ' ';
  if (!bytes_seen) *o++ = '-'; else o = put_two_word(o, v[N_BYTELO], v[N_BYTEHI]);
  *o++ = ' ';
  if (v[N_START] == __builtin_inf()) *o++ = '-'; else o = put_u64(o, (u64)v[N_START]);
  *o++ = ' ';
  if (v[N_END] == -__builtin_inf()) *o++ = '-'; else o = put_u64(o, (u64)v[N_END]);
  return o;
}

// Merge the range and write it as RowWriter's text rows into m_out. Returns the bytes written,
// or -1 when a value lies outside what this writer handles exactly (JavaScript then renders the
// range). `replay`: 1 to follow m_script (rows of it) instead of comparing keys.
EXPORT(render_text) i32 render_text(i32 packets_seen, i32 bytes_seen, i32 replay, i32 rows) {
  merge_start();
  const v128_t text_space = wasm_i8x16_splat(' '), text_zero = wasm_i8x16_splat(0);
  u8 *o = m_out;
  i32 run, entry, row = 0;
  const double *v;
  for (;;) {
    if (replay) {
      if (row >= rows) break;
      u32 mask = m_script[row];
      i32 m = __builtin_ctz(mask);
      run = m; entry = m_first[m] + m_pos[m]++;
      mask &= mask - 1;
      if (!mask) v = m_nums + entry * NUM_STRIDE;
      else {
        for (i32 c = 0; c < NUM_STRIDE; c++) m_acc[c] = m_nums[entry * NUM_STRIDE + c];
        while (mask) {
          i32 t = __builtin_ctz(mask);
          mask &= mask - 1;
          add_values(m_acc, m_nums + (m_first[t] + m_pos[t]++) * NUM_STRIDE);
        }
        v = m_acc;
      }
    } else if (!merge_next(&run, &entry, &v)) break;
    row++;
    const i32 *in = m_ints + entry * INT_STRIDE;
    const u8 *k = key_of(run, entry);
    i32 len = in[I_KEYLEN], last = last_nul(k, len);
    if (!plain_sums(v)) return -1;
    if ((v[N_START] != __builtin_inf() && !plain_int(v[N_START])) || (v[N_END] != -__builtin_inf() && !plain_int(v[N_END])))
      return -1;
    *o++ = '2'; *o++ = ' ';
    // The key's head with its NULs as spaces, 16 bytes at a time: the last store may write past
    // the head (what follows overwrites it; the output has 64 bytes of room past its estimate)
    // and the last load read past the key (into the kernel's memory, which goes on).
    for (i32 i = 0; i < last; i += 16) {
      v128_t b = wasm_v128_load(k + i);
      wasm_v128_store(o + i, wasm_v128_bitselect(text_space, b, wasm_i8x16_eq(b, text_zero)));
    }
    o += last;
    *o++ = ' ';
    for (i32 col = I_SPORT; col <= I_PROTO; col++) {
      if (in[col] >= 0) o = put_u64(o, (u64)in[col]); else *o++ = '-';
      *o++ = ' ';
    }
    o = put_text_values(o, v, packets_seen, bytes_seen);
    *o++ = ' ';
    for (i32 i = last + 1; i < len; i += 16) wasm_v128_store(o + (i - last - 1), wasm_v128_load(k + i));
    o += len > last + 1 ? len - last - 1 : 0;
    *o++ = ' '; *o++ = 'O'; *o++ = 'K'; *o++ = '\n';
  }
  return (i32)(o - m_out);
}

// ---- laying a sorted table out in its order (src/table/table.ts layOutInOrder) ----
//
// After sort_entries (whose room past the order and the copied-in columns is free again): the
// caller takes the table's Int32 columns and key bytes in its order, a window of entries at a
// time (sort_layout), and copies each window back over the table: entry i becomes what entry
// order[i] was, key bytes back to back in that order. Then it copies the table's Float64 columns
// to sort_nums_ptr (over the copied-in columns, no longer read, when they fit there) and takes
// them in order the same way (lay_nums).

static u8 *lay_keys;      // window: key bytes
static i32 *lay_ints;     // window: Int32 columns
static double *lay_nums;  // window: Float64 columns
static double *lay_src;   // the table's Float64 columns, as copied in
static u32 lay_key_next;  // key offset of the next entry laid out

EXPORT(sort_nums_ptr) double *sort_nums_ptr(void) { return lay_src; }
EXPORT(lay_keys_ptr) u8 *lay_keys_ptr(void) { return lay_keys; }
EXPORT(lay_ints_ptr) i32 *lay_ints_ptr(void) { return lay_ints; }
EXPORT(lay_nums_ptr) double *lay_nums_ptr(void) { return lay_nums; }

// Room for windows of `window` entries and the Float64 columns. Returns the key bytes a window
// may hold (0: out of memory).
EXPORT(lay_prepare) u32 lay_prepare(u32 window) {
  heap_top = sort_mark; // the sort's room is free
  u32 longest = 1;
  for (u32 e = 0; e < sort_n; e++) {
    u32 len = (u32)sort_ints[e * INT_STRIDE + I_KEYLEN];
    if (len > longest) longest = len;
  }
  lay_ints = take((size_t)window * INT_STRIDE * 4);
  lay_nums = take((size_t)window * NUM_STRIDE * 8);
  // A window's keys may start up to COPY_ALIGN - 1 bytes on (sort_layout's shift).
  lay_keys = take((size_t)window * longest + COPY_ALIGN);
  size_t nb = (size_t)(sort_n ? sort_n : 1) * NUM_STRIDE * 8;
  lay_src = nb <= (size_t)(sort_mark - (u8 *)sort_ints) ? (double *)sort_ints : take(nb);
  lay_key_next = 0;
  return lay_ints && lay_nums && lay_keys && lay_src ? window * longest + COPY_ALIGN : 0;
}

// Entries [from, from + count) of the order into the Int32 and key windows, the keys from
// lay_keys + shift % COPY_ALIGN on (JavaScript copies them to where they lie alike modulo
// COPY_ALIGN, which V8 copies a word at a time); returns their key bytes.
EXPORT(sort_layout) u32 sort_layout(u32 from, u32 count, u32 shift) {
  u8 *const k0 = lay_keys + shift % COPY_ALIGN;
  u8 *k = k0;
  u32 ahead = 0;
  for (u32 i = 0; i < count; i++) {
    // Entries are read in the order's order, scattered: their Int32 rows AHEAD entries on, and the
    // key bytes of the entry AHEAD / 2 on (its row read earlier), are touched first.
    if (i + AHEAD < count) ahead += (u32)sort_ints[sort_order[from + i + AHEAD] * INT_STRIDE + I_KEYLEN];
    if (i + AHEAD / 2 < count) ahead += sort_keys[sort_ints[sort_order[from + i + AHEAD / 2] * INT_STRIDE + I_KEYOFF]];
    u32 e = sort_order[from + i];
    const i32 *s = sort_ints + e * INT_STRIDE;
    i32 *d = lay_ints + i * INT_STRIDE;
    for (i32 c = 0; c < INT_STRIDE; c++) d[c] = s[c];
    i32 len = s[I_KEYLEN];
    copy_small(k, sort_keys + s[I_KEYOFF], (size_t)len);
    k += len;
    d[I_KEYOFF] = (i32)lay_key_next;
    lay_key_next += (u32)len;
  }
  touched_sink = ahead;
  return (u32)(k - k0);
}

// Entries [from, from + count) of the order into the Float64 window (after every sort_layout
// call: the Float64 columns may be copied in over the Int32 columns and keys it reads).
EXPORT(lay_nums_window) void lay_nums_window(u32 from, u32 count) {
  double ahead = 0;
  for (u32 i = 0; i < count; i++) {
    if (i + AHEAD < count) ahead += lay_src[sort_order[from + i + AHEAD] * NUM_STRIDE + N_RECORDS];
    const double *sn = lay_src + sort_order[from + i] * NUM_STRIDE;
    double *dn = lay_nums + i * NUM_STRIDE;
    for (i32 c = 0; c < NUM_STRIDE; c++) dn[c] = sn[c];
  }
  touched_sink = (u32)ahead;
}

// The next merged row of a range, by comparing keys or (replay) by following m_script.
static u32 range_next(i32 replay, i32 rows, i32 *row, i32 *run, i32 *entry, const double **v) {
  if (!replay) return merge_next(run, entry, v);
  if (*row >= rows) return 0;
  u32 mask = m_script[*row], all = mask;
  i32 m = __builtin_ctz(mask);
  *run = m; *entry = m_first[m] + m_pos[m]++;
  mask &= mask - 1;
  if (!mask) { *v = m_nums + *entry * NUM_STRIDE; return all; }
  for (i32 c = 0; c < NUM_STRIDE; c++) m_acc[c] = m_nums[*entry * NUM_STRIDE + c];
  while (mask) {
    i32 t = __builtin_ctz(mask);
    mask &= mask - 1;
    add_values(m_acc, m_nums + (m_first[t] + m_pos[t]++) * NUM_STRIDE);
  }
  *v = m_acc;
  return all;
}

// ---- NDJSON, keyed text and partial renders: not in the lean kernel ----
//
// The lean kernel (built with KERNEL_LEAN) leaves out what a digest under the v2 key written as
// text never calls: these renders and the scan of keys read by column. It compiles in a quarter
// less time, in every process (src/util/wasm-compile.ts optimizes every function at once); the
// wrapper widens a lean kernel to the full one on the first call that needs it
// (src/format/wasm-kernel.ts).
#ifndef KERNEL_LEAN

static u8 *put_str(u8 *o, const char *s) { while (*s) *o++ = (u8)*s++; return o; }

// An NDJSON row's packets, bytes, start and end members (null for unseen sums and absent times),
// each after a comma: RowWriter's and KeyedRowWriter's alike.
static inline __attribute__((always_inline)) u8 *put_ndjson_values(u8 *o, const double *v, i32 packets_seen, i32 bytes_seen, i32 start_abs, i32 end_abs) {
  o = put_str(o, ",\"packets\":");
  if (packets_seen) o = put_two_word(o, v[N_PKTLO], v[N_PKTHI]); else o = put_str(o, "null");
  o = put_str(o, ",\"bytes\":");
  if (bytes_seen) o = put_two_word(o, v[N_BYTELO], v[N_BYTEHI]); else o = put_str(o, "null");
  o = put_str(o, ",\"start\":");
  if (start_abs) o = put_str(o, "null"); else o = put_u64(o, (u64)v[N_START]);
  o = put_str(o, ",\"end\":");
  if (end_abs) o = put_str(o, "null"); else o = put_u64(o, (u64)v[N_END]);
  return o;
}

// A JSON string of plain bytes (format.ts jsonString's fast path); 0 when a byte needs escaping
// or is not ASCII (JavaScript writes those, through JSON.stringify of their UTF-8 reading).
static u8 *put_json_bytes(u8 *o, const u8 *k, i32 s, i32 e) {
  *o++ = '"';
  for (i32 i = s; i < e; i++) {
    u8 c = k[i];
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return 0;
    *o++ = c;
  }
  *o++ = '"';
  return o;
}

// Merge the range and write it as RowWriter's NDJSON rows into m_out: bytes written, or -1 for a
// range JavaScript must write (a string that needs escaping, a value this writer cannot write
// exactly).
EXPORT(render_ndjson) i32 render_ndjson(i32 packets_seen, i32 bytes_seen, i32 replay, i32 rows) {
  merge_start();
  u8 *o = m_out;
  i32 run, entry, row = 0;
  const double *v;
  while (range_next(replay, rows, &row, &run, &entry, &v)) {
    row++;
    const i32 *in = m_ints + entry * INT_STRIDE;
    const u8 *k = key_of(run, entry);
    i32 len = in[I_KEYLEN], last = last_nul(k, len);
    if (!plain_sums(v)) return -1;
    i32 start_abs = v[N_START] == __builtin_inf() || v[N_START] == -__builtin_inf();
    i32 end_abs = v[N_END] == __builtin_inf() || v[N_END] == -__builtin_inf();
    if ((!start_abs && !plain_int(v[N_START])) || (!end_abs && !plain_int(v[N_END]))) return -1;
    static const char *const names[4] = { "{\"account-id\":", ",\"interface-id\":", ",\"srcaddr\":", ",\"dstaddr\":" };
    i32 s = 0, f = 0;
    for (i32 i = 0; i < last && f < 3; i++) {
      if (k[i] == 0) {
        o = put_str(o, names[f]);
        if (!(o = put_json_bytes(o, k, s, i))) return -1;
        s = i + 1; f++;
      }
    }
    for (; f < 3; f++) { o = put_str(o, names[f]); *o++ = '"'; *o++ = '"'; }
    o = put_str(o, names[3]);
    if (!(o = put_json_bytes(o, k, s, last > s ? last : s))) return -1;
    static const char *const ports[3] = { ",\"srcport\":", ",\"dstport\":", ",\"protocol\":" };
    for (i32 col = I_SPORT; col <= I_PROTO; col++) {
      o = put_str(o, ports[col - I_SPORT]);
      if (in[col] >= 0) o = put_u64(o, (u64)in[col]); else o = put_str(o, "null");
    }
    o = put_ndjson_values(o, v, packets_seen, bytes_seen, start_abs, end_abs);
    o = put_str(o, ",\"action\":");
    if (!(o = put_json_bytes(o, k, last + 1 < len ? last + 1 : len, len))) return -1;
    o = put_str(o, ",\"records\":");
    o = put_u64(o, (u64)v[N_RECORDS]);
    *o++ = '}'; *o++ = '\n';
  }
  return (i32)(o - m_out);
}

// ---- the merged rows of a range as a binary partial's partition (src/digest/partial.ts) ----
//
// The fields of a key other than v2's in output order, for render_keyed_text: each a string slot
// of the key bytes (0, 1, ...) or -1 srcport, -2 dstport, -3 protocol (digest/keyed-format.ts
// KeyedRowWriter; format/key.ts fieldSlots).
static i32 render_where[KERNEL_KEY_SLOTS + 3];
EXPORT(render_where_ptr) i32 *render_where_ptr(void) { return render_where; }

// Where each NUL-separated field of the key k[0, len) starts (at[q]; one past its end is
// at[q + 1] - 1, at[slots] = len + 1): the number of fields, or -1 past KERNEL_KEY_SLOTS.
static i32 key_slots_of(const u8 *k, i32 len, i32 *at) {
  i32 slots = 1;
  at[0] = 0;
  for (i32 i = 0; i < len; i++) {
    if (k[i] != 0) continue;
    if (slots == KERNEL_KEY_SLOTS) return -1;
    at[slots++] = i + 1;
  }
  at[slots] = len + 1;
  return slots;
}

// Merge a range and format it as the text rows of a digest under another key than v2's (exactly
// KeyedRowWriter's text: the key's `fields` fields in key order, then packets, bytes, start,
// end and OK). -1 where render_text would leave the range to JavaScript, or a key of more slots
// than it names.
EXPORT(render_keyed_text) i32 render_keyed_text(i32 packets_seen, i32 bytes_seen, i32 replay, i32 rows, i32 fields) {
  merge_start();
  u8 *o = m_out;
  i32 run, entry, row = 0;
  const double *v;
  i32 at[KERNEL_KEY_SLOTS + 1]; // where each slot starts; one past its end is the next one's start
  while (range_next(replay, rows, &row, &run, &entry, &v)) {
    row++;
    const i32 *in = m_ints + entry * INT_STRIDE;
    const u8 *k = key_of(run, entry);
    i32 len = in[I_KEYLEN];
    if (!plain_sums(v)) return -1;
    if ((v[N_START] != __builtin_inf() && !plain_int(v[N_START])) || (v[N_END] != -__builtin_inf() && !plain_int(v[N_END])))
      return -1;
    i32 slots = key_slots_of(k, len, at);
    if (slots < 0) return -1;
    for (i32 f = 0; f < fields; f++) {
      i32 w = render_where[f];
      if (w >= slots) return -1;
      if (w >= 0) {
        i32 n = at[w + 1] - 1 - at[w];
        copy(o, k + at[w], (size_t)n);
        o += n;
      } else {
        i32 c = in[I_SPORT - 1 - w];
        if (c >= 0) o = put_u64(o, (u64)c); else *o++ = '-';
      }
      *o++ = ' ';
    }
    o = put_text_values(o, v, packets_seen, bytes_seen);
    *o++ = ' '; *o++ = 'O'; *o++ = 'K'; *o++ = '\n';
  }
  return (i32)(o - m_out);
}

// For render_keyed_ndjson: each key field's JSON name and colon (`"srcaddr":`), back to back;
// field f's are render_names[render_name_at[f], render_name_at[f + 1]).
static u8 render_names[KERNEL_NAME_BYTES];
static i32 render_name_at[KERNEL_KEY_SLOTS + 4];
EXPORT(render_names_ptr) u8 *render_names_ptr(void) { return render_names; }
EXPORT(render_name_at_ptr) i32 *render_name_at_ptr(void) { return render_name_at; }

// Merge a range and format it as the NDJSON rows of a digest under another key than v2's
// (exactly KeyedRowWriter's NDJSON: the key's fields by name in key order, then packets, bytes,
// start, end and records). -1 where render_ndjson would leave the range to JavaScript (a string
// that needs escaping or is not ASCII, a value it cannot write exactly).
EXPORT(render_keyed_ndjson) i32 render_keyed_ndjson(i32 packets_seen, i32 bytes_seen, i32 replay, i32 rows, i32 fields) {
  merge_start();
  u8 *o = m_out;
  i32 run, entry, row = 0;
  const double *v;
  i32 at[KERNEL_KEY_SLOTS + 1];
  while (range_next(replay, rows, &row, &run, &entry, &v)) {
    row++;
    const i32 *in = m_ints + entry * INT_STRIDE;
    const u8 *k = key_of(run, entry);
    if (!plain_sums(v)) return -1;
    i32 start_abs = v[N_START] == __builtin_inf() || v[N_START] == -__builtin_inf();
    i32 end_abs = v[N_END] == __builtin_inf() || v[N_END] == -__builtin_inf();
    if ((!start_abs && !plain_int(v[N_START])) || (!end_abs && !plain_int(v[N_END]))) return -1;
    i32 slots = key_slots_of(k, in[I_KEYLEN], at);
    if (slots < 0) return -1;
    *o++ = '{';
    for (i32 f = 0; f < fields; f++) {
      if (f > 0) *o++ = ',';
      i32 n = render_name_at[f + 1] - render_name_at[f];
      copy(o, render_names + render_name_at[f], (size_t)n);
      o += n;
      i32 w = render_where[f];
      if (w >= slots) return -1;
      if (w >= 0) {
        if (!(o = put_json_bytes(o, k, at[w], at[w + 1] - 1))) return -1;
      } else {
        i32 c = in[I_SPORT - 1 - w];
        if (c >= 0) o = put_u64(o, (u64)c); else o = put_str(o, "null");
      }
    }
    o = put_ndjson_values(o, v, packets_seen, bytes_seen, start_abs, end_abs);
    o = put_str(o, ",\"records\":");
    o = put_u64(o, (u64)v[N_RECORDS]);
    *o++ = '}'; *o++ = '\n';
  }
  return (i32)(o - m_out);
}

// The range merged as render_text merges it, its rows copied out as RowCollector collects them
// (the first run's key columns with I_KEYOFF counted from the partition's keys, the merged
// values, the key bytes back to back), in the partition's layout: Float64 columns, Int32
// columns, key bytes. Each goes first to its own stretch of m_out sized for every entry (the
// rows are known only at the end), then the Int32 columns and keys move down behind the rows.

static u32 p_key_bytes, p_crc;

EXPORT(partial_key_bytes) u32 partial_key_bytes(void) { return p_key_bytes; }
EXPORT(partial_crc) u32 partial_crc(void) { return p_crc; }

// CRC-32C (src/util/crc32c.ts, the same slicing by 8): here the partition's bytes are checked
// where they already are, at about 1.6 times the speed of the JavaScript one on a worker.
static u32 crc_table[8][256];
static i32 crc_ready;

static void crc_init(void) {
  for (u32 n = 0; n < 256; n++) {
    u32 c = n;
    for (i32 k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
    crc_table[0][n] = c;
  }
  for (u32 n = 0; n < 256; n++) {
    u32 c = crc_table[0][n];
    for (i32 k = 1; k < 8; k++) { c = crc_table[0][c & 0xff] ^ (c >> 8); crc_table[k][n] = c; }
  }
  crc_ready = 1;
}

static u32 crc32c(const u8 *p, size_t n) {
  if (!crc_ready) crc_init();
  u32 c = ~0u;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    u32 lo = c ^ load32(p + i);
    c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^ crc_table[5][(lo >> 16) & 0xff] ^
        crc_table[4][lo >> 24] ^ crc_table[3][p[i + 4]] ^ crc_table[2][p[i + 5]] ^ crc_table[1][p[i + 6]] ^
        crc_table[0][p[i + 7]];
  }
  for (; i < n; i++) c = crc_table[0][(c ^ p[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

// Merge the range into m_out as a partition's columns; returns its rows (key bytes:
// partial_key_bytes, CRC-32C of the columns: partial_crc). m_out needs entries * (NUM_STRIDE * 8 + INT_STRIDE * 4) + key bytes + 16.
EXPORT(render_partial) i32 render_partial(i32 replay, i32 rows) {
  merge_start();
  double *on = (double *)m_out;
  i32 *oi = (i32 *)(m_out + (size_t)m_entries * NUM_STRIDE * 8);
  u8 *ok = m_out + (size_t)m_entries * (NUM_STRIDE * 8 + INT_STRIDE * 4);
  u32 kat = 0;
  i32 run, entry, row = 0;
  const double *v;
  while (range_next(replay, rows, &row, &run, &entry, &v)) {
    const i32 *in = m_ints + entry * INT_STRIDE;
    const u8 *k = key_of(run, entry);
    i32 len = in[I_KEYLEN];
    for (i32 c = 0; c < NUM_STRIDE; c++) on[(size_t)row * NUM_STRIDE + c] = v[c];
    i32 *o = oi + (size_t)row * INT_STRIDE;
    for (i32 c = 0; c < INT_STRIDE; c++) o[c] = in[c];
    o[I_KEYOFF] = (i32)kat;
    // 16 bytes at a time: the last store may pass the key (the next key overwrites it; m_out has
    // 16 bytes of room past the last) and the last load reads on into the kernel's memory.
    for (i32 i = 0; i < len; i += 16) wasm_v128_store(ok + kat + i, wasm_v128_load(k + i));
    kat += (u32)len;
    row++;
  }
  size_t num_bytes = (size_t)row * NUM_STRIDE * 8, int_bytes = (size_t)row * INT_STRIDE * 4;
  if ((u8 *)oi != m_out + num_bytes) __builtin_memmove(m_out + num_bytes, oi, int_bytes);
  if (ok != m_out + num_bytes + int_bytes) __builtin_memmove(m_out + num_bytes + int_bytes, ok, kat);
  p_key_bytes = kat;
  p_crc = crc32c(m_out, num_bytes + int_bytes + kat);
  return row;
}

#endif // KERNEL_LEAN

// ---- the hand-off of an object's rows by partition (src/pool/worker.ts) ----
//
// The scan table, split by partition (table.ts partitionOf) into one packed block each, in the
// layout of digest/collector.ts's PackedRows: Float64 columns, Int32 columns (key offsets from
// the block's key bytes), key bytes. JavaScript copies each other partition's block out as one
// byte range and transfers it; its own partition's block it merges into its run table.

#define MAX_PARTS 64

// Per partition: byte offset of its block (from part_base), rows, key bytes.
static i32 part_meta[3 * MAX_PARTS];
static u8 *part_base;

EXPORT(part_meta_ptr) i32 *part_meta_ptr(void) { return part_meta; }
EXPORT(part_base_ptr) u8 *part_base_ptr(void) { return part_base; }

// table.ts partitionOf. A power of two of partitions (the usual two) by a mask: the remainder
// is the same, without a division a row.
static inline u32 part_of(i32 hash, i32 parts) {
  u32 x = (u32)hash * PARTITION_MUL;
  return (parts & (parts - 1)) == 0 ? x & (u32)(parts - 1) : x % (u32)parts;
}

// Split the scan table into `parts` blocks (at most MAX_PARTS). Returns 0 when out of memory
// (the table is left as it was, for JavaScript to route).
EXPORT(partition_rows) i32 partition_rows(i32 parts) {
  if (parts < 1 || parts > MAX_PARTS) return 0;
  i32 rows[MAX_PARTS], kbytes[MAX_PARTS];
  for (i32 q = 0; q < parts; q++) { rows[q] = 0; kbytes[q] = 0; }
  for (u32 e = 0; e < size; e++) {
    const i32 *row = ints + e * INT_STRIDE;
    u32 q = part_of(row[I_HASH], parts);
    rows[q]++;
    kbytes[q] += row[I_KEYLEN];
  }
  size_t total = 0;
  for (i32 q = 0; q < parts; q++) {
    part_meta[q] = (i32)total;
    part_meta[MAX_PARTS + q] = rows[q];
    part_meta[2 * MAX_PARTS + q] = kbytes[q];
    total += (size_t)rows[q] * (NUM_STRIDE * 8 + INT_STRIDE * 4) + (((size_t)kbytes[q] + 7) & ~(size_t)7);
  }
  part_base = take(total ? total : 8);
  if (!part_base) return 0;
  // Fill: next row and next key byte of each block.
  i32 at[MAX_PARTS], kat[MAX_PARTS];
  for (i32 q = 0; q < parts; q++) { at[q] = 0; kat[q] = 0; }
  for (u32 e = 0; e < size; e++) {
    const i32 *row = ints + e * INT_STRIDE;
    u32 q = part_of(row[I_HASH], parts);
    u8 *block = part_base + part_meta[q];
    i32 n = rows[q], r = at[q]++;
    double *bn = (double *)block + r * NUM_STRIDE;
    i32 *bi = (i32 *)(block + (size_t)n * NUM_STRIDE * 8) + r * INT_STRIDE;
    u8 *bk = block + (size_t)n * (NUM_STRIDE * 8 + INT_STRIDE * 4);
    const double *v = nums + e * NUM_STRIDE;
    for (i32 c = 0; c < NUM_STRIDE; c++) bn[c] = v[c];
    for (i32 c = 0; c < INT_STRIDE; c++) bi[c] = row[c];
    bi[I_KEYOFF] = kat[q];
    copy_small(bk + kat[q], keys + row[I_KEYOFF], (size_t)row[I_KEYLEN]);
    kat[q] += row[I_KEYLEN];
  }
  return 1;
}

// ---- merging rows into a run table (src/pool/worker.ts, wasm-kernel.ts mergeInto) ----
//
// A run table (table.ts DigestTable, shared memory, lent to whichever worker runs the task) is
// copied into this memory for one task: its hash slots, Int32 and Float64 columns and key bytes,
// into regions sized for the most it can grow to with the rows to come (exactly: every row new).
// The rows (the scan table's own block or handed-off packed blocks, copied in after them) are
// merged as DigestTable.upsert and addValues do, row for row in the same order, the slots
// doubled when more than half full as upsert doubles them: the table that comes out is the one
// JavaScript would have built, slot for slot. JavaScript then copies back what changed, into
// columns it sizes itself (DigestTable.adopt).
//
// Only what the merge reads is copied in: the slots, the Int32 columns and the key bytes. The
// Float64 rows of the entries the table already held are not: the first row merged into such an
// entry starts a row of its own from empty (as insertAt does), which collects the sum of the rows
// merged into it, which JavaScript adds to its own (adopt: a two-word sum, a minimum, a maximum
// and a count come out the same however the rows are grouped). The Float64 rows here are only
// those of the entries merged into or made: each row merged touches one entry, so they take room
// for the rows to merge, not for the table (at 460 k entries and 60 k rows, 3 MB, not 26 MB).
// New entries' rows lie from the front in entry order (entry r_n0 + i at row i); those of the
// entries the table held from the back, in first-touch order (the t-th touched at row
// r_delta_room - t), beside the entries' list (r_touched, filled from its back the same way), so
// JavaScript copies the new rows in one piece and adds the touched ones, not the whole table.
// The slots new entries took are listed too (r_new_slots, unless a rehash moved them all).

static u32 *r_slots, *r_spare; // the slots, and room to rehash into (when the merge can rehash)
static i32 *r_ints;
static double *r_nums;           // r_delta_room rows: new entries' from the front, touched from the back
static u8 *r_keys, *r_src;
static u32 r_mask, r_size, r_key_used;
static u32 r_entry_room, r_key_room, r_slot_room, r_delta_room;
static u32 r_n0;                 // entries the table held when copied in
static u32 *r_touch;             // per entry below r_n0: 0, or t once it was the t-th merged into
static u32 *r_touched, r_touched_n; // per row from the back: the entry below r_n0 whose row it is
static u32 *r_new_slots, r_new_n;   // the slot each new entry took, in entry order
static u32 r_new_room, r_rehashed;  // r_new_slots' room; 1 once a rehash moved every slot

EXPORT(run_slots_ptr) u32 *run_slots_ptr(void) { return r_slots; }
EXPORT(run_ints_ptr) i32 *run_ints_ptr(void) { return r_ints; }
EXPORT(run_nums_ptr) double *run_nums_ptr(void) { return r_nums; } // the new entries' rows
EXPORT(run_keys_ptr) u8 *run_keys_ptr(void) { return r_keys; }
EXPORT(run_src_ptr) u8 *run_src_ptr(void) { return r_src; }
EXPORT(run_mask) u32 run_mask(void) { return r_mask; }
EXPORT(run_size) u32 run_size(void) { return r_size; }
EXPORT(run_key_used) u32 run_key_used(void) { return r_key_used; }
// A source already in this memory (a block of partition_rows: Float64 rows, Int32 rows, key
// bytes, back to back, as JavaScript lays sources out at run_src_ptr), to be moved to `to` bytes
// into the sources' room by the next run_prepare, instead of JavaScript copying it out and in.
static u8 *r_move_from;
static u32 r_move_bytes, r_move_to;
EXPORT(run_source_at) void run_source_at(u8 *from, u32 bytes, u32 to) { r_move_from = from; r_move_bytes = bytes; r_move_to = to; }
// The entries merged into (of those the table held) and their rows (what was merged into each).
EXPORT(run_touched_ptr) u32 *run_touched_ptr(void) { return r_touched + (r_delta_room - r_touched_n); }
EXPORT(run_touched_count) u32 run_touched_count(void) { return r_touched_n; }
EXPORT(run_touched_nums_ptr) double *run_touched_nums_ptr(void) { return r_nums + (size_t)(r_delta_room - r_touched_n) * NUM_STRIDE; }
EXPORT(run_new_slots_ptr) u32 *run_new_slots_ptr(void) { return r_new_slots; }
// The count of r_new_slots, or -1 when a rehash moved every slot (JavaScript copies them all).
EXPORT(run_new_slot_count) i32 run_new_slot_count(void) { return r_rehashed ? -1 : (i32)r_new_n; }

// Room for a run table of `slot_count` slots (a power of two), `n` entries and `run_key_bytes`
// key bytes (`run_key_room`: its own arrays' room, not used), to take up to `more_rows` rows with `more_keys` key bytes, and `src_bytes`
// of room for the rows, copied in. The heap is rewound first (the scan table is dropped, as the
// sort drops it): the kernel's memory never shrinks, so its high-water mark is what it costs.
// Returns 0 when out of memory (or when the sizes would pass 2^29 slots or 2^31 key bytes);
// JavaScript then merges in JavaScript.
EXPORT(run_prepare) i32 run_prepare(u32 slot_count, u32 n, u32 run_key_bytes, u32 run_key_room, u32 more_rows, u32 more_keys,
                                    u32 src_bytes) {
  heap_top = (u8 *)(((size_t)&__heap_base + 15) & ~(size_t)15);
  size = 0; key_used = 0; mask = 0; slots = 0; ints = 0; nums = 0; keys = 0;
  u32 move = r_move_bytes; // run_source_at's, for this call only
  r_move_bytes = 0;
  unsigned long long most = (unsigned long long)n + more_rows, mk = slot_count - 1;
  while (most * 2 > mk) mk = mk * 2 + 1;
  // Room for exactly the rows and key bytes the table can reach (every row new), not for the
  // doubled arrays JavaScript would grow: the kernel's memory keeps its high-water mark.
  unsigned long long kc = (unsigned long long)run_key_bytes + more_keys;
  (void)run_key_room; // the JavaScript table's own room: it sizes its arrays itself (adopt)
  if (kc < 8) kc = 8;
  if (mk >= (1ull << 29) || kc >= (1ull << 31)) return 0;
  r_slot_room = (u32)mk + 1; r_entry_room = r_slot_room / 2;
  if (most < r_entry_room) r_entry_room = (u32)most;
  r_key_room = (u32)kc;
  // The sources' room first, below the rest: a source moved into it moves down or in place
  // (memory.copy is safe either way), and nothing is written before it has moved.
  r_src = take(src_bytes ? src_bytes : 8);
  r_slots = take((size_t)r_slot_room * 4);
  // A rehash only when the rows can pass half the slots the table has.
  r_spare = r_slot_room > slot_count ? take((size_t)r_slot_room * 4) : r_slots;
  r_ints = take((size_t)r_entry_room * INT_STRIDE * 4);
  // Each row merged makes an entry or merges into one: the rows here are at most the rows merged.
  r_delta_room = more_rows ? more_rows : 1;
  r_nums = take((size_t)r_delta_room * NUM_STRIDE * 8);
  r_keys = take(r_key_room);
  r_new_room = more_rows;
  r_touch = take((size_t)(n ? n : 1) * 4);
  r_touched = take((size_t)r_delta_room * 4);
  r_new_slots = take((size_t)(r_new_room ? r_new_room : 1) * 4);
  if (!r_slots || !r_spare || !r_ints || !r_nums || !r_keys || !r_src || !r_touch || !r_touched || !r_new_slots) return 0;
  if (move) __builtin_memmove(r_src + r_move_to, r_move_from, move);
  __builtin_memset(r_touch, 0, (size_t)n * 4);
  r_mask = slot_count - 1; r_size = n; r_key_used = run_key_bytes;
  r_n0 = n; r_touched_n = 0; r_new_n = 0; r_rehashed = 0;
  return 1;
}

// table.ts rehash: the slots doubled, entries re-inserted in entry order.
static void run_rehash(void) {
  u32 m = r_mask * 2 + 1;
  u32 *ns = r_spare;
  for (u32 i = 0; i <= m; i++) ns[i] = 0;
  for (u32 e = 0; e < r_size; e++) {
    u32 s = (u32)r_ints[e * INT_STRIDE + I_HASH] & m;
    while (ns[s]) s = (s + 1) & m;
    ns[s] = e + 1;
  }
  r_spare = r_slots; r_slots = ns; r_mask = m;
  r_rehashed = 1;
}

// Merge `n` rows (Float64 columns at `sn`, Int32 columns at `si`, their key offsets into `sk`)
// into the run table. Returns 1, or 0 if they pass the room prepared (the table is then
// unusable: JavaScript merges from its own copy, untouched).
EXPORT(run_merge) i32 run_merge(const double *sn, const i32 *si, const u8 *sk, u32 n) {
  u32 ahead = 0;
  for (u32 r = 0; r < n; r++) {
    // The slot of the row AHEAD rows on, and the entry the slot of the row AHEAD / 2 on names:
    // the misses the probes will make, started early (see touch_slots).
    if (r + AHEAD < n) ahead += r_slots[(u32)si[(r + AHEAD) * INT_STRIDE + I_HASH] & r_mask];
    if (r + AHEAD / 2 < n) {
      u32 s = r_slots[(u32)si[(r + AHEAD / 2) * INT_STRIDE + I_HASH] & r_mask];
      if (s) ahead += (u32)r_ints[(s - 1) * INT_STRIDE + I_HASH];
    }
    const i32 *row = si + r * INT_STRIDE;
    const i32 hash = row[I_HASH], len = row[I_KEYLEN], sp = row[I_SPORT], dp = row[I_DPORT], pr = row[I_PROTO];
    const u8 *key = sk + row[I_KEYOFF];
    u32 slot = (u32)hash & r_mask, e;
    for (;;) {
      u32 s = r_slots[slot];
      if (s == 0) break;
      const i32 *b = r_ints + (s - 1) * INT_STRIDE;
      if (b[I_HASH] == hash && b[I_KEYLEN] == len && b[I_SPORT] == sp && b[I_DPORT] == dp && b[I_PROTO] == pr &&
          same_bytes(r_keys + b[I_KEYOFF], key, len)) break;
      slot = (slot + 1) & r_mask;
    }
    double *v;
    if (r_slots[slot]) {
      e = r_slots[slot] - 1;
      if (e >= r_n0) v = r_nums + (size_t)(e - r_n0) * NUM_STRIDE;
      else {
        u32 t = r_touch[e];
        if (!t) {
          // An entry JavaScript holds: a row here starts empty and collects what is merged.
          if (r_size - r_n0 + r_touched_n >= r_delta_room) return 0;
          t = r_touch[e] = ++r_touched_n;
          r_touched[r_delta_room - t] = e;
          v = r_nums + (size_t)(r_delta_room - t) * NUM_STRIDE;
          v[N_PKTLO] = 0; v[N_PKTHI] = 0; v[N_BYTELO] = 0; v[N_BYTEHI] = 0;
          v[N_START] = __builtin_inf(); v[N_END] = -__builtin_inf(); v[N_RECORDS] = 0;
        } else v = r_nums + (size_t)(r_delta_room - t) * NUM_STRIDE;
      }
    } else {
      // table.ts insertAt.
      if (r_size >= r_entry_room || r_size - r_n0 + r_touched_n >= r_delta_room) return 0;
      if ((unsigned long long)r_key_used + (u32)len > r_key_room) return 0;
      e = r_size++;
      copy_small(r_keys + r_key_used, key, (size_t)len);
      i32 *d = r_ints + e * INT_STRIDE;
      d[I_KEYOFF] = (i32)r_key_used; d[I_KEYLEN] = len; d[I_HASH] = hash; d[I_SPORT] = sp; d[I_DPORT] = dp; d[I_PROTO] = pr;
      r_key_used += (u32)len;
      v = r_nums + (size_t)(e - r_n0) * NUM_STRIDE;
      v[N_PKTLO] = 0; v[N_PKTHI] = 0; v[N_BYTELO] = 0; v[N_BYTEHI] = 0;
      v[N_START] = __builtin_inf(); v[N_END] = -__builtin_inf(); v[N_RECORDS] = 0;
      r_slots[slot] = e + 1;
      if (r_new_n < r_new_room) r_new_slots[r_new_n++] = slot;
      if (r_size * 2 > r_mask) {
        if (r_mask * 2 + 1 >= r_slot_room) return 0;
        run_rehash();
      }
    }
    add_values(v, sn + r * NUM_STRIDE);
  }
  touched_sink = ahead;
  return 1;
}
