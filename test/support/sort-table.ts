/** Run tables built from raw key fields, for the sort tests (kernel against digest/order.ts). */
import { DigestTable, hashKey } from '../../dist/table/table.js';

/** One entry: the key's string fields as bytes (joined by NUL), and its three number columns. */
export type SortEntry = { fields: number[][]; sp: number; dp: number; pr: number };

/** A table holding `entries`, upserted in order (equal keys merge, as in a digest). */
export function tableOf(entries: readonly SortEntry[]): DigestTable {
  const t = new DigestTable(16);
  for (const { fields, sp, dp, pr } of entries) {
    const parts: number[] = [];
    fields.forEach((f, i) => {
      if (i > 0) parts.push(0);
      parts.push(...f);
    });
    const key = Uint8Array.from(parts);
    t.upsert(key, 0, key.length, hashKey(key, 0, key.length, sp, dp, pr), sp, dp, pr);
  }
  return t;
}
