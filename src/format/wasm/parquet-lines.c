// Parquet row groups laid out as flow-log lines, in WebAssembly (src/format/parquet-columns.ts
// decodes the columns; this copies their bytes side by side). A module of its own, apart from
// the scan kernel: JavaScript owns all of its memory (the columns are copied in above the heap
// base, the lines read back out), so it shares no state with the kernel's tables.
// Built by scripts/build-wasm.sh into parquet-lines-wasm.ts.

typedef unsigned int u32;
typedef int i32;
typedef unsigned char u8;
typedef unsigned long long u64;
typedef u64 __attribute__((aligned(1))) u64_unaligned;

#define EXPORT(name) __attribute__((export_name(#name)))

extern u8 __heap_base;

/** Where JavaScript may start placing data. */
EXPORT(heap_base) u32 heap_base(void) { return ((u32)&__heap_base + 15) & ~15u; }

// A column: row r shows entry idx[r], the bytes arena[offs[e] .. offs[e + 1]).
typedef struct {
  const i32 *idx;
  const i32 *offs;
  const u8 *arena;
  u32 pad;
} column;

/** Bytes of the lines of `rows` rows of `ncols` columns (each value, then a space or newline). */
EXPORT(lines_size) u32 lines_size(u32 ncols, u32 rows, const column *cols) {
  u32 total = ncols * rows;
  for (u32 c = 0; c < ncols; c++) {
    const i32 *idx = cols[c].idx, *offs = cols[c].offs;
    for (u32 r = 0; r < rows; r++) {
      i32 e = idx[r];
      total += (u32)(offs[e + 1] - offs[e]);
    }
  }
  return total;
}

/**
 * Write the lines at `out`, row by row. Values of up to 16 bytes are copied 8 bytes at a time,
 * past their end: every arena and `out` have 16 bytes to spare, and a later value or separator
 * overwrites what the copy left beyond its end. Returns the bytes written.
 */
EXPORT(write_lines) u32 write_lines(u32 ncols, u32 rows, const column *cols, u8 *out) {
  u8 *q = out;
  for (u32 r = 0; r < rows; r++) {
    for (u32 c = 0; c < ncols; c++) {
      const column *col = &cols[c];
      i32 e = col->idx[r];
      const u8 *s = col->arena + col->offs[e];
      u32 n = (u32)(col->offs[e + 1] - col->offs[e]);
      *(u64_unaligned *)q = *(const u64_unaligned *)s;
      if (n > 8) {
        *(u64_unaligned *)(q + 8) = *(const u64_unaligned *)(s + 8);
        for (u32 k = 16; k < n; k++) q[k] = s[k];
      }
      q += n;
      *q++ = ' ';
    }
    q[-1] = '\n';
  }
  return (u32)(q - out);
}

// ---- Column decoding: the decoder's hot loops (src/format/parquet-columns.ts drives them) ----
// JavaScript places every array in this memory and checks every bound it can before a call; the
// functions below check the rest (runs that end early) and report it by their result.

/** Bits of the last `plain_bytes` call's values OR-ed together (0x80 set: not ASCII). */
static u32 high_bits;
EXPORT(bytes_high) u32 bytes_high(void) { return high_bits; }

/**
 * The RLE / bit-packed hybrid in src[0 .. len): `count` values of `width` bits (at most 24) into
 * out. Returns 0, or -1 when a run ends past `len` (a truncated page).
 */
EXPORT(hybrid) i32 hybrid(const u8 *src, u32 len, u32 width, i32 *out, u32 count) {
  const u8 *p = src, *end = src + len;
  u32 rle_bytes = (width + 7) >> 3, mask = width == 0 ? 0 : (1u << width) - 1, seen = 0;
  while (seen < count) {
    u32 header = 0, shift = 0, byte;
    do {
      if (p >= end || shift > 28) return -1;
      byte = *p++;
      header |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    if ((header & 1) == 0) {
      u32 n = header >> 1;
      if ((u32)(end - p) < rle_bytes) return -1;
      u32 v = 0;
      for (u32 i = 0; i < rle_bytes; i++) v |= (u32)p[i] << (8 * i);
      p += rle_bytes;
      u32 stop = seen + n < count && seen + n >= seen ? seen + n : count;
      for (; seen < stop; seen++) out[seen] = (i32)v;
    } else {
      u32 groups = header >> 1;
      u64 nbytes = (u64)groups * width;
      if ((u64)(end - p) < nbytes) return -1;
      u64 want = (u64)groups * 8;
      u32 stop = seen + want < count ? seen + (u32)want : count;
      const u8 *q = p;
      u64 acc = 0;
      u32 bits = 0;
      for (; seen < stop; seen++) {
        while (bits < width) {
          acc |= (u64)*q++ << bits;
          bits += 8;
        }
        out[seen] = (i32)(acc & mask);
        acc >>= width;
        bits -= width;
      }
      p += nbytes;
    }
  }
  return 0;
}

/** How many of defs[0 .. n) are 1. */
EXPORT(count_set) u32 count_set(const i32 *defs, u32 n) {
  u32 k = 0;
  for (u32 i = 0; i < n; i++) k += (u32)defs[i];
  return k;
}

/** idx[i] = first + i for i < n. */
EXPORT(sequence) void sequence(i32 *idx, u32 n, i32 first) {
  for (u32 i = 0; i < n; i++) idx[i] = first + (i32)i;
}

/** Dictionary codes idx[0 .. n) as entries (base + code); returns the first code past `size`, else -1. */
EXPORT(rebase) i32 rebase(i32 *idx, u32 n, i32 base, i32 size) {
  for (u32 i = 0; i < n; i++) {
    i32 code = idx[i];
    if ((u32)code >= (u32)size) return code;
    idx[i] = base + code;
  }
  return -1;
}

/** The `present` values at idx[0 ..] spread over `values` rows by defs, null rows entry 0 (in place, from the end). */
EXPORT(spread) void spread(i32 *idx, u32 values, u32 present, const i32 *defs) {
  i32 k = (i32)present - 1;
  for (i32 i = (i32)values - 1; i >= 0; i--) idx[i] = defs[i] == 0 ? 0 : idx[k--];
}

static u8 *digits(u8 *at, u64 v) {
  u8 tmp[20];
  u32 n = 0;
  do {
    tmp[n++] = (u8)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *at++ = tmp[--n];
  return at;
}

/**
 * `count` PLAIN INT32 (width 4) or INT64 (width 8) values from src, as decimal entries written at
 * `at`: offs[k + 1] is the end of value k (offs[0] is `at`, set by the caller). Returns the end.
 */
EXPORT(plain_ints) u8 *plain_ints(const u8 *src, u32 count, u32 width, u8 *at, i32 *offs) {
  for (u32 k = 0; k < count; k++, src += width) {
    long long v;
    if (width == 4) v = (i32)((u32)src[0] | (u32)src[1] << 8 | (u32)src[2] << 16 | (u32)src[3] << 24);
    else v = (long long)(*(const u64_unaligned *)src);
    if (v < 0) {
      *at++ = '-';
      at = digits(at, (u64)(-(v + 1)) + 1);
    } else at = digits(at, (u64)v);
    offs[k + 1] = (i32)(u32)at;
  }
  return at;
}

/**
 * `count` PLAIN BYTE_ARRAY values from src[0 .. len) as entries written at `at` (an empty one as
 * `-`), offs as for plain_ints. Returns the end, or 0 when a value runs past `len`.
 */
EXPORT(plain_bytes) u8 *plain_bytes(const u8 *src, u32 len, u32 count, u8 *at, i32 *offs) {
  const u8 *p = src, *end = src + len;
  u32 high = 0;
  for (u32 k = 0; k < count; k++) {
    if ((u32)(end - p) < 4) return 0;
    u32 n = (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
    p += 4;
    if ((u32)(end - p) < n) return 0;
    if (n == 0) *at++ = '-';
    else
      for (u32 i = 0; i < n; i++) {
        high |= p[i];
        at[i] = p[i];
      }
    at += n;
    p += n;
    offs[k + 1] = (i32)(u32)at;
  }
  high_bits = high;
  return at;
}
