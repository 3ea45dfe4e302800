/**
 * Records, packets and bytes per action of a digest, summed straight off its tables (no row
 * objects, no merge): what the run summary reports as the ACCEPT/REJECT split.
 */
import { COL, INT_STRIDE, NUM_STRIDE, TWO52 } from '../table/table.js';
import type { Digest } from './digest.js';

/** Exact sums of one action. */
export interface ActionTotals {
  records: number;
  packets: bigint;
  bytes: bigint;
}

/** Totals per action (`ACCEPT`, `REJECT`, and any other action text), by action name. */
export function actionTotals(digest: Digest): Map<string, ActionTotals> {
  // Two-word sums per action while walking (exact below 2^105), bigints at the end.
  const acc = new Map<string, { records: number; pl: number; ph: number; bl: number; bh: number }>();
  let lastKey = '',
    last: { records: number; pl: number; ph: number; bl: number; bh: number } | undefined;
  digest.forEachEntry((t, e) => {
    const b = e * INT_STRIDE,
      n = e * NUM_STRIDE;
    const end = t.ints[b + COL.I_KEYOFF] + t.ints[b + COL.I_KEYLEN];
    // The action is the key's last field; ACCEPT and REJECT are 6 bytes after a NUL.
    let from = end - 1;
    while (from > 0 && t.keyBytes[from - 1] !== 0) from--;
    const action = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + from, end - from).toString('utf8');
    if (action !== lastKey || last === undefined) {
      last = acc.get(action);
      if (last === undefined) {
        last = { records: 0, pl: 0, ph: 0, bl: 0, bh: 0 };
        acc.set(action, last);
      }
      lastKey = action;
    }
    const x = last;
    x.records += t.nums[n + COL.N_RECORDS];
    x.pl += t.nums[n + COL.N_PKTLO];
    x.ph += t.nums[n + COL.N_PKTHI];
    x.bl += t.nums[n + COL.N_BYTELO];
    x.bh += t.nums[n + COL.N_BYTEHI];
    if (x.pl >= TWO52) {
      x.pl -= TWO52;
      x.ph++;
    }
    if (x.bl >= TWO52) {
      x.bl -= TWO52;
      x.bh++;
    }
  });
  const out = new Map<string, ActionTotals>();
  const big = (lo: number, hi: number) => BigInt(hi) * BigInt(TWO52) + BigInt(lo);
  for (const [a, x] of [...acc].sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
    out.set(a, { records: x.records, packets: big(x.pl, x.ph), bytes: big(x.bl, x.bh) });
  return out;
}
