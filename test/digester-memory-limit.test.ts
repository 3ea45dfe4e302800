// A digest larger than maxMemory fails with a MemoryLimitError naming the limit (library and
// CLI); the same input within a larger limit digests as usual.
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
  const err = await digestInputs([memory(body)], { threads: 2, maxMemory: 4 << 20 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MemoryLimitError);
  expect((err as MemoryLimitError).code).toBe('FD_ERR_MEMORY_LIMIT');
  expect((err as Error).message).toContain('4.0 MiB');
  expect((err as Error).message).toContain('--max-memory');
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
  const r = await runCli(['digest', join(dir, 'big.log.gz'), '--max-memory', '3MB', '-o', join(dir, 'out.log')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('--max-memory');
  expect(r.stderr).toContain('MiB');
});
