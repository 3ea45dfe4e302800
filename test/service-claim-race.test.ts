// Two service processes on shared markers: a POST whose status read found the window absent, and
// whose claim came after another process's job had stored the window and cleared its marker (a
// job stores, then clears), must not run the window again. Here the other process is a second
// service on the same store, made to finish the window between the first's status read and its
// claim; the marker is the real marker directory, with a claim.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { MarkerRecord } from '../dist/service/index.js';
import { BUNDLED_LOGS, digestId, FsMarker, FsStorage } from '../dist/service/index.js';
import { until, windowQuery } from './support/http.js';
import { type Started, startService } from './support/service.js';
import { tempDir } from './support/tmp.js';

const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
const store = join(tempDir('fd-claim-race-'), 'store');
const markers = join(store, 'markers');

/** The marker directory with a claim; the first claim first lets `other` finish the window. */
class RacedMarker extends FsMarker {
  other?: () => Promise<void>;
  async claim(record: MarkerRecord, freshSince: number): Promise<boolean> {
    const other = this.other;
    this.other = undefined;
    await other?.();
    const held = await this.get(record.id);
    if (held !== undefined && held.state === 'in_progress' && held.updatedAt >= freshSince) return false;
    await this.set(record);
    return true;
  }
}

it("answers 409 complete, and runs no job, when another process stored the window just before this one's claim", async () => {
  const marker = new RacedMarker(markers);
  const first = await startService({ logs: BUNDLED_LOGS, storage: new FsStorage(store), marker });
  let second: Started | undefined;
  try {
    const url = (s: Started) => `${s.url}/${windowQuery(W.start, W.stop)}`;
    marker.other = async () => {
      second = await startService({ logs: BUNDLED_LOGS, storage: new FsStorage(store), marker: new FsMarker(markers) });
      const s = second;
      expect((await fetch(url(s), { method: 'POST' })).status).toBe(202);
      await until(async () => ((await fetch(url(s))).status === 200 ? true : undefined), { what: 'the other job' });
      await until(async () => (s.logs.some((l) => l.msg === 'job completed') ? true : undefined), {
        what: 'its marker cleared',
      });
    };
    const answer = await fetch(url(first), { method: 'POST' });
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { status: string }).status).toBe('complete');
    expect(first.logs.filter((l) => l.msg === 'job started')).toEqual([]);
    expect(await marker.get(digestId(W.start, W.stop))).toBeUndefined();
    expect((await fetch(url(first))).status).toBe(200);
  } finally {
    await first.close();
    await second?.close();
  }
});
