// A worker's WebAssembly kernel is charged to the run's memory budget (maxMemory) beside the run
// tables: a digest whose tables fit the limit but whose kernels do not fails with a
// MemoryLimitError naming the limit (library and CLI); the charge is given back when a worker
// sheds its kernel, and digests in a row on one digester are each charged their own.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestInputs, digestToString, MemoryLimitError } from '../dist/index.js';
import scanObject, { setKernelKeepBytes, sortRun } from '../dist/pool/worker.js';
import { DigestTable, type MemoryBudget, memoryBudget, type TableState } from '../dist/table/table.js';
import { gzip, memory, rec, writeFiles } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

// 60,000 distinct conversations in one object, on one worker: the run table takes under 11 MiB
// (the least limit it digests in without the kernel's charge: 10.8 MiB, measured), and the
// kernel, which scans the object into a table of its own (the run table is merged into where it
// lies, format/resident-table.ts), more: the least limit with it is 20.7 MiB.
const ROWS = 60_000;
const lines = Array.from(
  { length: ROWS },
  (_, i) => `${rec({ srcaddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dstport: 1 + (i % 1000) })}\n`,
);
const body = lines.join('');
const TABLES_FIT = 16 << 20;

const used = (b: MemoryBudget) => Atomics.load(b.used, 0) * 1024;

/** A worker's scan of `text` as one object, in this thread: the run table and its bytes. */
async function scanOf(text: string, budget: MemoryBudget) {
  const data = new TextEncoder().encode(text).buffer as ArrayBuffer;
  const reply = await scanObject({ key: 'o', data, strict: false, maxSamples: 0, budget });
  if ('error' in reply) throw new Error(JSON.stringify(reply.error));
  return { table: reply.table, bytes: DigestTable.attach(reply.table, { shared: true }).bytes };
}

/** A worker's sort of a run table, in this thread (after which it sheds a kernel past what it keeps). */
function sortOf(table: TableState, budget: MemoryBudget): void {
  const reply = sortRun({ table, budget });
  if ('error' in reply) throw new Error(JSON.stringify(reply.error));
}

afterAll(() => setKernelKeepBytes(64 * 1024 * 1024));

it('tables within the limit, kernel past it: MemoryLimitError naming the limit', async () => {
  const err = await digestInputs([memory(body)], { threads: 1, maxMemory: TABLES_FIT }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MemoryLimitError);
  expect((err as MemoryLimitError).code).toBe('FD_ERR_MEMORY_LIMIT');
  expect((err as Error).message).toContain('16.0 MiB (--max-memory, maxMemory)');
  // Whichever allocation passed the limit (a table's or a kernel's) names it.
  expect((err as Error).message).toMatch(/at [\d,]+ rows in one table|in a worker's WebAssembly kernel/);
  // With room for both, the same input digests, as with the default limit.
  const ok = await digestInputs([memory(body)], { threads: 1, maxMemory: 32 << 20 });
  expect(ok.size).toBe(ROWS);
  expect(digestToString(ok)).toBe(digestToString(await digestInputs([memory(body)], { threads: 1 })));
});

it('the CLI exits 1 naming --max-memory when the kernel passes the limit', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'big.log.gz': gzip(body) });
  const out = join(dir, 'out.log');
  const r = await runCli(['digest', '-w', '1', join(dir, 'big.log.gz'), '--max-memory', '16MB', '-o', out]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('(--max-memory, maxMemory)');
  expect(r.stderr).toContain('FD_ERR_MEMORY_LIMIT');
  const fine = await runCli(['digest', '-w', '1', join(dir, 'big.log.gz'), '--max-memory', '32MB', '-o', out]);
  expect(fine.code).toBe(0);
});

it('digests in a row on one digester each fit the limit that one fits', async () => {
  // One digest needs 20.7 MiB with its kernel: the kernels the first leaves behind are charged
  // to the next (moved, not added), so every one fits.
  const digester = createDigester({ threads: 1, maxMemory: 32 << 20 });
  try {
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) texts.push(digestToString(await digester.digest([memory(body)])));
    expect(texts[0].split('\n').length).toBeGreaterThan(ROWS);
    expect(new Set(texts).size).toBe(1);
  } finally {
    await digester.close();
  }
});

it("a kernel's charge moves to the run that uses it next, and is given back when the worker sheds it", async () => {
  // In this thread, as a worker runs them: a scan grows the kernel past its start; a sort of a
  // kernel within what a worker keeps leaves it (grown or not); the next run's scan takes it over; a sort
  // after which the worker sheds any kernel (keep 0) gives its charge back.
  setKernelKeepBytes(64 * 1024 * 1024);
  const first = memoryBudget(1 << 30),
    second = memoryBudget(1 << 30);
  const a = await scanOf(body, first);
  // The kernel's growth (its scan table: 2.5 MiB past its uncharged start) is charged beside the
  // table's arrays (each rounded up to a KiB).
  const kernel = used(first) - a.bytes;
  expect(kernel).toBeGreaterThan(2 << 20);
  // The sort's room in the kernel, where it passes the scan's, is charged to the same run.
  sortOf(a.table, first);
  const sorted = used(first) - a.bytes;
  expect(sorted).toBeGreaterThanOrEqual(kernel);
  const b = await scanOf(body, second);
  expect(used(first)).toBeLessThan(a.bytes + 8 * 1024);
  expect(used(second) - b.bytes).toBeGreaterThanOrEqual(sorted);
  setKernelKeepBytes(0);
  sortOf(b.table, second);
  expect(used(second)).toBeGreaterThanOrEqual(b.bytes);
  expect(used(second)).toBeLessThan(b.bytes + 8 * 1024);
});

it("a kernel a run left that does not fit the next run's budget is dropped, and the fresh one charged", async () => {
  setKernelKeepBytes(64 * 1024 * 1024);
  const first = memoryBudget(1 << 30);
  const a = await scanOf(body, first);
  sortOf(a.table, first);
  const held = used(first) - a.bytes;
  expect(held).toBeGreaterThan(4 << 20);
  // A run of half the rows, whose limit leaves no room for what the last run's kernel holds.
  const half = lines.slice(0, ROWS / 2).join('');
  const second = memoryBudget(held - 65536);
  const b = await scanOf(half, second);
  expect(used(first)).toBeLessThan(a.bytes + 8 * 1024);
  // The fresh kernel's growth past its start is the second run's: not the scan of half the rows,
  // which fits in its uncharged start, but the sort's copy of the run table.
  expect(used(second)).toBeGreaterThanOrEqual(b.bytes);
  sortOf(b.table, second);
  expect(used(second)).toBeGreaterThan(b.bytes);
});

it('at the least limit, one worker still digests as many rows as its run table holds at its start', async () => {
  // Before the kernel was charged, the least limit (engine/memory-floor.ts) took an object of up
  // to 16,383 distinct rows on one worker; the kernel's uncharged start keeps it so.
  const { memoryFloor } = await import('../dist/engine/memory-floor.js');
  const d = await digestInputs([memory(lines.slice(0, 16_000).join(''))], { threads: 1, maxMemory: memoryFloor(1) });
  expect(d.size).toBe(16_000);
});
