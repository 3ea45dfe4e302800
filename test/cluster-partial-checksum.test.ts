// A stored partial changed after it was written (one value, the same length) fails the cluster
// run with FD_ERR_PARTIAL naming the partial and the worker that wrote it, instead of a wrong
// digest with exit 0 (issue 21, item 2).
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterDigest, FsPartialStore, startWorker, type ClusterWorker } from '../dist/cluster/index.js';
import { PartialFormatError } from '../dist/index.js';
import { lines, rec, writeFiles } from './support/flowlog.js';
import { startRedis, type RedisHandle } from './support/redis.js';
import { tempDir } from './support/tmp.js';

let redis: RedisHandle;
let worker: ClusterWorker;
const dir = tempDir('fd-cluster-crc-');
const storeDir = join(dir, 'store');
const inputs = writeFiles(join(dir, 'logs'), {
  'a.log': lines(...Array.from({ length: 50 }, (_, i) => rec({ srcaddr: `10.0.0.${i}`, packets: '10' }))),
});

/** A directory store whose disk changes one byte of the first scan partial once it is written. */
class RottingStore extends FsPartialStore {
  damaged: string | undefined;
  override async put(key: string, chunks: Iterable<Uint8Array>): Promise<void> {
    await super.put(key, chunks);
    if (this.damaged !== undefined || !/-scan-0-r0\.fdp$/.test(key)) return;
    const path = join(storeDir, key);
    const bytes = readFileSync(path);
    // The first row's packets (f64 at the start of the first partition's values): 10 becomes 26.
    const at = 16 + bytes.readUInt32LE(12) + 16 + 7;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from([bytes[at]! ^ 0x01]), 0, 1, at);
    closeSync(fd);
    this.damaged = key;
  }
}
const rotting = new RottingStore(storeDir);

beforeAll(async () => {
  redis = await startRedis();
  worker = await startWorker({ redis: redis.url, store: rotting, threads: 1, lockMs: 5_000 });
});
afterAll(async () => {
  await worker?.close(1_000);
  await redis?.stop();
});

it('fails with FD_ERR_PARTIAL naming the partial and its worker', async () => {
  const err = await clusterDigest(inputs, { redis: redis.url, store: new FsPartialStore(storeDir) }).catch(
    (e: unknown) => e,
  );
  expect(rotting.damaged).toMatch(/-scan-0-r0\.fdp$/);
  expect(err).toBeInstanceOf(PartialFormatError);
  expect((err as PartialFormatError).code).toBe('FD_ERR_PARTIAL');
  const message = (err as Error).message;
  expect(message).toContain(rotting.damaged!);
  expect(message).toContain('fails its checksum');
  expect(message).toMatch(/written by worker \S+ \(pid \d+\)/);
});
