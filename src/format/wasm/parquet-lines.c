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
