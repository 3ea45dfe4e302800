// A run table's state comes back from a worker as new objects over the same shared memory: the
// main thread reports as dropped (for its collection, util/reclaim.ts) only the arrays the table
// outgrew, not every array it sees again. (It reported them all: at 1% rows, with reserved
// columns, one full collection a task.)
import { setImmediate as tick } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { RunTables } from '../dist/engine/run-tables.js';
import { DigestTable, hashKey } from '../dist/table/table.js';
import { dropped, owedBytes, RECLAIM_BYTES } from '../dist/util/reclaim.js';

/** The state as a worker's reply carries it: the same shared memory, in new objects. */
const posted = (t: DigestTable) => structuredClone(t.state());

async function collected(): Promise<void> {
  dropped(RECLAIM_BYTES);
  await tick();
  await tick();
  expect(owedBytes()).toBe(0);
}

it('reports only the arrays a table outgrew, whatever objects its state comes back in', async () => {
  const tables = new RunTables(1);
  const table = new DigestTable(16, { shared: true });
  tables.release(await tables.acquire(), posted(table));
  await collected();
  // Unchanged: new objects over the same memory.
  tables.release(await tables.acquire(), posted(table));
  expect(owedBytes()).toBe(0);
  // Grown past its slots, columns and keys: each old array is reported once.
  const before = table.state();
  const key = Buffer.from('k');
  for (let i = 0; i < 100; i++) table.upsert(key, 0, 1, hashKey(key, 0, 1, i, 0, 6), i, 0, 6);
  const now = table.state();
  const outgrown = (['slots', 'ints', 'nums', 'keyBytes'] as const)
    .filter((k) => before[k].byteLength !== now[k].byteLength)
    .reduce((n, k) => n + before[k].byteLength, 0);
  expect(outgrown).toBeGreaterThan(0);
  // (The table reported its own growth as it grew, as the worker that grows it does.)
  const grown = owedBytes();
  tables.release(await tables.acquire(), posted(table));
  expect(owedBytes() - grown).toBe(outgrown);
});
