// A job that fails while storing, on a disk that is full (issue 21, item 8): the partly written
// digest is removed, and although the failed marker cannot be written, the window is not left
// "in progress": it can be asked for again at once, and succeeds once there is room.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DigestMeta, MarkerRecord, StoredKind } from '../dist/service/index.js';
import { BUNDLED_LOGS, FsMarker, FsStorage } from '../dist/service/index.js';
import { until, windowQuery } from './support/http.js';
import { startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const enospc = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
let diskFull = true;

/** The real directory store, on a disk that fills up after the first body (ndjson) is written. */
class FillingStorage extends FsStorage {
  override put(meta: DigestMeta, write: (kind: StoredKind, out: Writable) => Promise<void>, signal?: AbortSignal) {
    return super.put(
      meta,
      async (kind, out) => {
        if (diskFull && kind === 'text') throw enospc();
        await write(kind, out);
      },
      signal,
    );
  }
}
/** The real marker directory, on the same full disk: new marker contents cannot be written. */
class FullMarker extends FsMarker {
  override async set(record: MarkerRecord) {
    if (diskFull && record.state === 'failed') throw enospc();
    return super.set(record);
  }
}

const dir = tempDir('fd-failed-job-');
const store = join(dir, 'store');
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
let s: Started;
beforeAll(async () => {
  s = await startService({
    logs: BUNDLED_LOGS,
    storage: new FillingStorage(store),
    marker: new FullMarker(join(store, 'markers')),
    progressTimeout: 600_000,
  });
});
afterAll(() => s?.close());

it('removes the partial digest and clears the marker, so the window can be asked for again at once', async () => {
  const url = `${s.url}/${windowQuery(W.start, W.stop)}`;
  expect((await fetch(url, { method: 'POST' })).status).toBe(202);
  await until(async () => (s.logs.some((l) => l.msg === 'job failed') ? true : undefined));
  // Not "in progress" for the next ten minutes: asked again, it is queued again.
  await until(async () => ((await fetch(url)).status !== 204 ? true : undefined));
  expect((await fetch(url)).status).toBe(404);
  expect(readdirSync(store).filter((n) => !n.startsWith('.') && n !== 'markers')).toEqual([]);
  diskFull = false;
  expect((await fetch(url, { method: 'POST' })).status).toBe(202);
  await until(async () => ((await fetch(url)).status === 200 ? true : undefined));
});
