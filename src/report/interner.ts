/**
 * Interns byte strings (addresses as digest keys hold them) to dense ids without making a
 * string per lookup: an open-addressing table of ids over a byte arena, compared byte by byte.
 * Only a new address becomes a string.
 */
export class ByteInterner {
  private slots: Int32Array;
  private mask: number;
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  private starts: number[] = [];
  private hashes: number[] = [];
  /** The text (latin1, one char per byte) of each id. */
  readonly names: string[] = [];

  constructor() {
    this.slots = new Int32Array(1 << 12).fill(-1);
    this.mask = this.slots.length - 1;
  }

  /** The id of `bytes[from, to)`, and whether it is new (then `names` has its text). */
  id(bytes: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h ^= h >>> 15;
    const len = to - from;
    let s = h & this.mask;
    for (;;) {
      const id = this.slots[s];
      if (id < 0) break;
      if (this.hashes[id] === h && this.starts[id + 1] - this.starts[id] === len) {
        const at = this.starts[id];
        let same = true;
        for (let i = 0; i < len; i++)
          if (this.arena[at + i] !== bytes[from + i]) {
            same = false;
            break;
          }
        if (same) return id;
      }
      s = (s + 1) & this.mask;
    }
    return this.add(bytes, from, to, h, s);
  }

  private add(bytes: Uint8Array, from: number, to: number, h: number, slot: number): number {
    const id = this.names.length;
    const len = to - from;
    if (this.used + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
    }
    if (this.starts.length === 0) this.starts.push(0);
    this.arena.set(bytes.subarray(from, to), this.used);
    this.used += len;
    this.starts.push(this.used);
    this.hashes.push(h);
    this.names.push(Buffer.from(bytes.buffer, bytes.byteOffset + from, len).toString('latin1'));
    this.slots[slot] = id;
    if ((id + 1) * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let s = this.hashes[id] & this.mask;
      while (this.slots[s] >= 0) s = (s + 1) & this.mask;
      this.slots[s] = id;
    }
  }
}
