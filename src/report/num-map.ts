/**
 * A hash map from non-negative integer keys below 2^53 to int32 values, open addressing in
 * typed arrays. The report's pair and tuple keys are such integers; in a `Map` or `Set` each
 * would be a heap number (beyond 31 bits), hashed and allocated one by one.
 */
export class NumMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  /** Entries held. */
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private slot(key: number): number {
    const lo = (key % 4294967296) | 0,
      hi = Math.floor(key / 4294967296) | 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    let i = h & this.mask;
    const keys = this.keys;
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** The value of `key`, or -1. */
  get(key: number): number {
    const i = this.slot(key);
    return this.keys[i] === key ? this.vals[i] : -1;
  }

  /**
   * The value of `key` when present; else stores `value` under it and returns -1 (so one probe
   * both finds and inserts).
   */
  getOrSet(key: number, value: number): number {
    let i = this.slot(key);
    if (this.keys[i] === key) return this.vals[i];
    if ((this.size + 1) * 2 > this.keys.length) {
      this.grow();
      i = this.slot(key);
    }
    this.keys[i] = key;
    this.vals[i] = value;
    this.size++;
    return -1;
  }

  /** Each key and value, in no particular order. */
  forEach(fn: (key: number, value: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== -1) fn(this.keys[i], this.vals[i]);
  }

  private grow(): void {
    const keys = this.keys,
      vals = this.vals;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.vals = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === -1) continue;
      const j = this.slot(keys[i]);
      this.keys[j] = keys[i];
      this.vals[j] = vals[i];
    }
  }
}
