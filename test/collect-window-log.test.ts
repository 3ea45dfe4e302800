// Each `window committed` log line counts that window's objects, records and bytes, not the
// run's running total (issue 21, item 11); the run's report keeps the totals.
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { collector, fsDestination, type Source } from '../dist/collect/index.js';
import { logSink } from './support/collect.js';
import { tempDir } from './support/tmp.js';

it('logs each window its own counts when a run collects several windows', async () => {
  const dest = fsDestination({ dir: tempDir('collect-window-log-') });
  const t = (iso: string) => new Date(iso);
  // A checkpoint with a pending window: the next run collects it, then the window since.
  const checkpoint = {
    version: 1,
    stream: 'w',
    position: '2026-01-15T10:00:00.000Z',
    pending: { start: '2026-01-15T09:00:00.000Z', end: '2026-01-15T10:00:00.000Z' },
    updated: '2026-01-15T10:00:00.000Z',
  };
  await dest.put('w/_checkpoint.json', Readable.from([Buffer.from(JSON.stringify(checkpoint))]), {
    signal: new AbortController().signal,
    contentType: 'application/json',
  });
  // The first window has 2 objects of 3 records, the second 1 object of 5.
  const source: Source = async (ctx) => {
    const first = ctx.window.start.getTime() === t('2026-01-15T09:00:00Z').getTime();
    if (first) {
      await ctx.emit({ records: [1, 2, 3], seq: 0 });
      await ctx.emit({ records: [4, 5, 6], seq: 1 });
    } else {
      await ctx.emit({ records: [1, 2, 3, 4, 5], seq: 0 });
    }
  };
  const sink = logSink();
  const report = await collector([{ id: 'w', source, destination: dest }], {
    log: sink.log,
    now: () => t('2026-01-15T11:05:00Z'),
    safetyLagMs: 5 * 60_000,
  }).run({ all: true });
  expect(report.ok).toBe(true);
  const committed = sink.lines.filter((l) => l.msg === 'window committed' || l.event === 'window committed');
  expect(committed.map((l) => [l.objects, l.records])).toEqual([
    [2, 6],
    [1, 5],
  ]);
  const bytes = committed.map((l) => l.bytes as number);
  expect(bytes.every((b) => b > 0)).toBe(true);
  expect(report.streams[0]).toMatchObject({ objects: 3, records: 11 });
  expect(bytes[0]! + bytes[1]!).toBe(report.streams[0]!.bytes);
});
