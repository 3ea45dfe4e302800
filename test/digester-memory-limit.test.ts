// A digest larger than maxMemory fails with a MemoryLimitError naming the limit (library and
// CLI); the same input within a larger limit digests as usual. A limit below what the worker
// threads' tables take before the first row names the minimum for that many workers.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { digestInputs, digestToString, MemoryLimitError } from '../dist/index.js';
import { gzip, memory, rec, writeFiles } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

// 60,000 distinct conversations: about 9 MB of tables.
const body = Array.from(
  { length: 60_000 },
  (_, i) => `${rec({ srcaddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dstport: 1 + (i % 1000) })}\n`,
).join('');

it('rejects with FD_ERR_MEMORY_LIMIT naming the limit', async () => {
  const err = await digestInputs([memory(body)], { threads: 1, maxMemory: 5 << 20 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MemoryLimitError);
  expect((err as MemoryLimitError).code).toBe('FD_ERR_MEMORY_LIMIT');
  expect((err as Error).message).toContain('5.0 MiB');
  expect((err as Error).message).toContain('--max-memory');
  // It outgrew the limit while digesting (in a table or in a worker's kernel), not before the first row.
  expect((err as Error).message).toMatch(/at [1-9][\d,]* rows in one table|in a worker's WebAssembly kernel/);
});

it('a limit below the minimum for the worker count names that minimum', async () => {
  const { memoryFloor, startingTableBytes } = await import('../dist/engine/memory-floor.js');
  const table = startingTableBytes();
  for (const threads of [1, 2, 3]) {
    expect(memoryFloor(threads)).toBe(threads * table);
    const err = await digestInputs([memory(body.slice(0, 200))], {
      threads,
      maxMemory: memoryFloor(threads) - 1024,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemoryLimitError);
    const workers = threads === 1 ? '1 worker' : `${threads} workers`;
    expect((err as Error).message).toMatch(new RegExp(`below the minimum for ${workers}: at least [\\d.]+ MiB`));
    // At the minimum itself, a small input digests.
    const ok = await digestInputs([memory(body.slice(0, 200))], { threads, maxMemory: memoryFloor(threads) });
    expect(ok.size).toBeGreaterThan(0);
  }
  const r = await runCli(['digest', '-w', '2', '--max-memory', '1KB', '-'], { stdin: body.slice(0, 200) });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/below the minimum for 2 workers: at least [\d.]+ MiB/);
  expect(r.stderr).not.toContain('at 0 rows');
});

it('within the limit, the digest is the same as with the default', async () => {
  const small = await digestInputs([memory(body)], { threads: 2, maxMemory: 64 << 20 });
  const dflt = await digestInputs([memory(body)], { threads: 2 });
  expect(small.size).toBe(60_000);
  expect(digestToString(small)).toBe(digestToString(dflt));
});

it('the CLI exits 1 and names --max-memory', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'big.log.gz': gzip(body) });
  const r = await runCli([
    'digest',
    '-w',
    '1',
    join(dir, 'big.log.gz'),
    '--max-memory',
    '5MB',
    '-o',
    join(dir, 'out.log'),
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('--max-memory');
  expect(r.stderr).toContain('MiB');
});
