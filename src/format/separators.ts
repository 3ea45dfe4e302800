/**
 * The scanner's structural index: positions of every space and newline in a byte range, found
 * four bytes at a time (SWAR on a Uint32Array view). About 2x faster than a byte loop, and the
 * line parser then reads ~14 positions per line instead of touching ~120 bytes.
 */

const LOW7 = 0x7f7f7f7f;
const SPACES = 0x20202020;
const NEWLINES = 0x0a0a0a0a;

/** Separator positions of one indexed range. Arrays are reused between ranges. */
export class SeparatorIndex {
  /** Space positions, ascending; `spaceCount` are valid. */
  spaces: Int32Array;
  spaceCount = 0;
  /** Newline positions, ascending; `newlineCount` are valid. */
  newlines: Int32Array;
  /** For newline i, how many spaces precede it in the range: line i's spaces end there. */
  spacesBefore: Int32Array;
  newlineCount = 0;

  constructor(capacity: number) {
    this.spaces = new Int32Array(capacity);
    this.newlines = new Int32Array(capacity);
    this.spacesBefore = new Int32Array(capacity);
  }

  /** Index `buf[s, e)`. */
  build(buf: Uint8Array, s: number, e: number): void {
    if (this.spaces.length < e - s) {
      this.spaces = new Int32Array(e - s);
      this.newlines = new Int32Array(e - s);
      this.spacesBefore = new Int32Array(e - s);
    }
    this.spaceCount = 0;
    this.newlineCount = 0;
    // Unaligned head and tail go byte by byte, in their own function: the word loop's optimized
    // code must never meet an operation it has no type feedback for (that deopted it per call).
    let head = s;
    while (head < e && ((buf.byteOffset + head) & 3) !== 0) head++;
    this.bytes(buf, s, head);
    const words = (e - head) >> 2;
    if (words > 0) this.words(new Uint32Array(buf.buffer, buf.byteOffset + head, words), head);
    this.bytes(buf, head + (words << 2), e);
  }

  private bytes(buf: Uint8Array, s: number, e: number): void {
    for (let i = s; i < e; i++) {
      const c = buf[i];
      if (c === 32) this.spaces[this.spaceCount++] = i;
      else if (c === 10) {
        this.newlines[this.newlineCount] = i;
        this.spacesBefore[this.newlineCount++] = this.spaceCount;
      }
    }
  }

  private words(u32: Uint32Array, base0: number): void {
    const spaces = this.spaces,
      newlines = this.newlines,
      before = this.spacesBefore;
    let ns = this.spaceCount,
      nl = this.newlineCount;
    for (let w = 0; w < u32.length; w++) {
      const x = u32[w];
      // Exact zero-byte test (no borrow between bytes): the high bit is set in each byte of x
      // that equals the pattern byte.
      const sp = x ^ SPACES,
        lf = x ^ NEWLINES;
      const ms = ~(((sp & LOW7) + LOW7) | sp | LOW7);
      const ml = ~(((lf & LOW7) + LOW7) | lf | LOW7);
      let m = ms | ml;
      if (m === 0) continue;
      const base = base0 + (w << 2);
      do {
        const low = m & -m;
        // Little-endian: byte j of the word holds bits 8j..8j+7.
        const p = base + ((31 - Math.clz32(low)) >> 3);
        if ((ml & low) !== 0) {
          newlines[nl] = p;
          before[nl++] = ns;
        } else spaces[ns++] = p;
        m ^= low;
      } while (m !== 0);
    }
    this.spaceCount = ns;
    this.newlineCount = nl;
  }
}
