/**
 * The scanner's structural index: positions of every space and newline in a byte range, found
 * four bytes at a time (SWAR on a Uint32Array view). About 2x faster than a byte loop, and the
 * line parser then reads ~14 positions per line instead of touching ~120 bytes.
 *
 * Spaces are stored as their position p, newlines as ~p (negative), in ascending order.
 */

const LOW7 = 0x7f7f7f7f;
const SPACES = 0x20202020;
const NEWLINES = 0x0a0a0a0a;

/** Fill `out` with the separators of `buf[s, e)`; returns how many. `out` must hold e - s entries. */
export function indexSeparators(buf: Uint8Array, s: number, e: number, out: Int32Array): number {
  // Unaligned head and tail go byte by byte. They live in their own function so the word loop's
  // optimized code never meets an operation it has no type feedback for (that deopted it on
  // every call).
  let head = s;
  while (head < e && ((buf.byteOffset + head) & 3) !== 0) head++;
  let n = indexBytes(buf, s, head, out, 0);
  const words = (e - head) >> 2;
  if (words > 0) n = indexWords(new Uint32Array(buf.buffer, buf.byteOffset + head, words), head, out, n);
  return indexBytes(buf, head + (words << 2), e, out, n);
}

function indexBytes(buf: Uint8Array, s: number, e: number, out: Int32Array, n: number): number {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 32) out[n++] = i; else if (c === 10) out[n++] = -1 - i;
  }
  return n;
}

function indexWords(u32: Uint32Array, base0: number, out: Int32Array, n: number): number {
  for (let w = 0; w < u32.length; w++) {
    const x = u32[w];
    // Exact zero-byte test (no borrow between bytes): the high bit is set in each byte of x
    // that equals the pattern byte.
    const sp = x ^ SPACES, nl = x ^ NEWLINES;
    const ms = ~(((sp & LOW7) + LOW7) | sp | LOW7);
    const ml = ~(((nl & LOW7) + LOW7) | nl | LOW7);
    let m = ms | ml;
    if (m === 0) continue;
    const base = base0 + (w << 2);
    do {
      const low = m & -m;
      // Little-endian: byte j of the word holds bits 8j..8j+7.
      const p = base + ((31 - Math.clz32(low)) >> 3);
      out[n++] = (ml & low) !== 0 ? -1 - p : p;
      m ^= low;
    } while (m !== 0);
  }
  return n;
}
