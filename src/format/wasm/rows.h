// Row operations shared by the scan kernel (scan.c) and the resident run table's merge
// (runtable.c): one definition each, so both merge rows exactly alike. The includer defines u8,
// u32, i32, u64, size_t, u64_unaligned and u32_unaligned, and includes wasm_simd128.h and
// contract.h first.
#ifndef FLOWDIGEST_ROWS_H
#define FLOWDIGEST_ROWS_H

static inline u32 load32(const u8 *p) { return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24); }

// A key or a field (tens of bytes) between arrays that do not overlap, in whole vectors and words,
// the last of them overlapping the one before: `copy` compiles to a memory.copy call (in the
// scan) or to a byte loop for the tail, either dearer than the copy of a short key itself.
static inline void copy_small(u8 *dst, const u8 *src, size_t n) {
  if (n >= 16) {
    for (size_t i = 0; i + 16 < n; i += 16) wasm_v128_store(dst + i, wasm_v128_load(src + i));
    wasm_v128_store(dst + n - 16, wasm_v128_load(src + n - 16));
  } else if (n >= 8) {
    u64 a = *(const u64_unaligned *)src, b = *(const u64_unaligned *)(src + n - 8);
    *(u64_unaligned *)dst = a;
    *(u64_unaligned *)(dst + n - 8) = b;
  } else if (n >= 4) {
    u32 a = *(const u32_unaligned *)src, b = *(const u32_unaligned *)(src + n - 4);
    *(u32_unaligned *)dst = a;
    *(u32_unaligned *)(dst + n - 4) = b;
  } else if (n) {
    dst[0] = src[0];
    dst[n >> 1] = src[n >> 1];
    dst[n - 1] = src[n - 1];
  }
}

// Equal bytes: sixteen at a time where there are sixteen (the last sixteen overlapping those
// before: whole keys in the run merge and the prefix ranks), else four at a time (a key's fields).
static inline i32 same_bytes(const u8 *a, const u8 *b, i32 len) {
  if (len >= 16) {
    for (i32 i = 0; i + 16 < len; i += 16)
      if (!wasm_i8x16_all_true(wasm_i8x16_eq(wasm_v128_load(a + i), wasm_v128_load(b + i)))) return 0;
    return wasm_i8x16_all_true(wasm_i8x16_eq(wasm_v128_load(a + len - 16), wasm_v128_load(b + len - 16)));
  }
  i32 i = 0;
  for (; i + 4 <= len; i += 4) if (load32(a + i) != load32(b + i)) return 0;
  for (; i < len; i++) if (a[i] != b[i]) return 0;
  return 1;
}

// table.ts addValues, operation for operation (the same doubles).
static void add_values(double *d, const double *s) {
  double lo = d[N_PKTLO] + s[N_PKTLO], hi = d[N_PKTHI] + s[N_PKTHI];
  if (lo >= TWO52) { hi += 1; lo -= TWO52; }
  d[N_PKTLO] = lo; d[N_PKTHI] = hi;
  lo = d[N_BYTELO] + s[N_BYTELO]; hi = d[N_BYTEHI] + s[N_BYTEHI];
  if (lo >= TWO52) { hi += 1; lo -= TWO52; }
  d[N_BYTELO] = lo; d[N_BYTEHI] = hi;
  if (s[N_START] < d[N_START]) d[N_START] = s[N_START];
  if (s[N_END] > d[N_END]) d[N_END] = s[N_END];
  d[N_RECORDS] += s[N_RECORDS];
}

#endif
