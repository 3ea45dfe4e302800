// slackAuditLogs against a loopback server speaking Slack's Audit Logs API: pagination by
// cursor, exact big numbers, window bounds, 429 + Retry-After, 5xx, dropped connections, bad
// auth (not retried, naming the stream and the secret's variable) and an empty window.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collector, fsDestination, slackAuditLogs, SourceAuthError, FetchError } from '../dist/collect/index.js';
import { listFiles, logSink, readLines } from './support/collect.js';
import { tempDir } from './support/tmp.js';
import { slackEntry, startVendorApi, type VendorApi } from './support/vendor-api.js';

const TOKEN = 'xoxp-secret-token-1234567890';
const T0 = Date.parse('2026-01-15T16:00:00Z');
const HOUR = { start: new Date(T0), end: new Date(T0 + 3_600_000) };
let api: VendorApi;

beforeAll(async () => {
  api = await startVendorApi(TOKEN);
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => {
  api.slack = [];
  api.requests = [];
  api.faults = () => undefined;
});

function setup(
  options: { token?: string; limit?: number; retry?: { baseMs: number; maxMs: number; maxAttempts: number } } = {},
) {
  const dir = tempDir('collect-slack-');
  const sink = logSink();
  const c = collector(
    [
      {
        id: 'slack-audit',
        tags: ['hourly'],
        source: slackAuditLogs({
          token: 'token' in options ? options.token : TOKEN,
          baseUrl: api.endpoint,
          limit: options.limit ?? 7,
        }),
        destination: fsDestination({ dir, prefix: 'slack/' }),
      },
    ],
    {
      log: sink.log,
      retry: options.retry ?? { baseMs: 1, maxMs: 2000, maxAttempts: 4 },
      now: () => new Date(T0 + 2 * 3_600_000),
    },
  );
  return { dir, sink, c };
}

it('pages by cursor into one object per page, every entry once, big numbers exact', async () => {
  api.slack = Array.from({ length: 25 }, (_, i) => slackEntry(i, T0 + i * 137_000));
  const { dir, sink, c } = setup({ limit: 7 });
  const report = await c.run({ ids: ['slack-audit'], window: HOUR });
  expect(report.ok).toBe(true);
  const objects = listFiles(dir).filter((f) => f.endsWith('.ndjson.gz'));
  expect(objects).toHaveLength(Math.ceil(25 / 7));
  expect(objects.map((f) => f.slice(f.lastIndexOf('_') + 1))).toEqual(
    objects.map((_, i) => `${String(i).padStart(6, '0')}.ndjson.gz`),
  );
  expect(objects.every((f) => f.startsWith('slack/slack-audit/2026/01/15/16/20260115T160000Z_20260115T170000Z_'))).toBe(
    true,
  );
  const lines = readLines(dir);
  expect(lines.sort()).toEqual(api.slack.map((r) => r.raw).sort());
  expect(lines.join('\n')).toContain('"big":9223372036854775807');
  // Cursor pagination: the second request carries the first response's next_cursor.
  expect(api.requests[1].line).toMatch(/cursor=[A-Za-z0-9_-]+/);
  expect(api.requests[0].line).toContain(`oldest=${T0 / 1000}&latest=${T0 / 1000 + 3599}&limit=7`);
  const committed = sink.lines.filter((l) => l.event === 'object committed');
  expect(committed.map((l) => l.records)).toEqual([7, 7, 7, 4]);
  expect(
    committed.every((l) => l.stream === 'slack-audit' && typeof l.bytes === 'number' && (l.bytes as number) > 0),
  ).toBe(true);
});

it('splits at window bounds: adjacent windows hold each entry exactly once', async () => {
  const at = [T0, T0 + 1000, T0 + 1_799_999, T0 + 1_800_000, T0 + 3_599_999, T0 + 3_600_000];
  api.slack = at.map((t, i) => slackEntry(i, t));
  const { dir, c } = setup();
  const mid = new Date(T0 + 1_800_000);
  await c.run({ all: true, window: { start: HOUR.start, end: mid } });
  await c.run({ all: true, window: { start: mid, end: HOUR.end } });
  const lines = readLines(dir);
  expect(new Set(lines).size).toBe(lines.length);
  // The entry at the hour's end belongs to the next hour.
  expect(lines.sort()).toEqual(
    api.slack
      .slice(0, 5)
      .map((r) => r.raw)
      .sort(),
  );
});

it('retries 429 after Retry-After (seconds and HTTP date), 5xx and dropped connections', async () => {
  api.slack = Array.from({ length: 10 }, (_, i) => slackEntry(i, T0 + i * 1000));
  api.faults = (n) => {
    if (n === 1) return { status: 429, headers: { 'retry-after': '1' }, body: '{"ok":false,"error":"ratelimited"}' };
    if (n === 2) return { status: 503, body: 'busy' };
    if (n === 3) return 'drop';
    if (n === 5) return { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } };
    return undefined;
  };
  const { dir, sink, c } = setup({ limit: 5 });
  const report = await c.run({ ids: ['slack-audit'], window: HOUR });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  expect(report.streams[0].retries).toBe(4);
  const t = api.requests.map((r) => r.at);
  expect(t[1] - t[0]).toBeGreaterThanOrEqual(990); // Retry-After: 1
  expect(t[5] - t[4]).toBeGreaterThanOrEqual(900); // an HTTP date 1-2 s ahead (second resolution)
  expect(readLines(dir).sort()).toEqual(api.slack.map((r) => r.raw).sort());
  const retries = sink.lines.filter((l) => l.event === 'retry');
  expect(retries.map((l) => l.reason)).toEqual([
    'HTTP 429 Too Many Requests',
    'HTTP 503 Service Unavailable',
    expect.stringMatching(/^network error/),
    'HTTP 429 Too Many Requests',
  ]);
  expect(sink.lines.filter((l) => l.event === 'object committed').map((l) => l.retries)).toEqual([3, 1]);
});

it('bad auth fails at once, naming the stream and SLACK_TOKEN, and never shows the token', async () => {
  api.slack = [slackEntry(1, T0)];
  const { dir, sink, c } = setup({ token: 'xoxp-wrong-secret-value' });
  const report = await c.run({ ids: ['slack-audit'] });
  const err = report.streams[0].error;
  expect(err).toBeInstanceOf(SourceAuthError);
  expect(err?.message).toMatch(
    /^stream slack-audit: GET http:\/\/127\.0\.0\.1:\d+\/audit\/v1\/logs answered 401 Unauthorized: check the secret in SLACK_TOKEN$/,
  );
  expect((err as SourceAuthError).field).toBe('SLACK_TOKEN');
  expect(api.requests).toHaveLength(1);
  expect(api.requests[0].authorization).toBe('Bearer xoxp-wrong-secret-value');
  expect(sink.text()).not.toContain('wrong-secret');
  expect(sink.text()).toContain('"event":"stream failed"');
  // The checkpoint recorded the pending window but did not move.
  const cp = JSON.parse(readFileSync(join(dir, 'slack/slack-audit/_checkpoint.json'), 'utf8'));
  expect(cp.position).toBe(new Date(T0 + 2 * 3_600_000 - 5 * 60_000 - 3_600_000).toISOString());
  expect(cp.pending).not.toBeNull();
});

it('a missing token fails before any request, saying which variable to set', async () => {
  const { c } = setup({ token: undefined });
  const report = await c.run({ all: true, window: HOUR });
  expect(report.streams[0].error).toBeInstanceOf(SourceAuthError);
  expect(report.streams[0].error?.message).toBe('stream slack-audit: no secret given; set SLACK_TOKEN');
  expect(api.requests).toHaveLength(0);
});

it('gives up after maxAttempts of 5xx, naming the stream, the request and the status', async () => {
  api.faults = () => ({ status: 502 });
  const { c } = setup({ retry: { baseMs: 1, maxMs: 5, maxAttempts: 3 } });
  const report = await c.run({ all: true, window: HOUR });
  const err = report.streams[0].error;
  expect(err).toBeInstanceOf(FetchError);
  expect(err?.message).toMatch(
    /^stream slack-audit: GET http:\/\/127\.0\.0\.1:\d+\/audit\/v1\/logs failed after 3 attempts: HTTP 502 Bad Gateway$/,
  );
  expect(api.requests).toHaveLength(3);
});

it('does not wait longer than maxMs for a Retry-After: it fails and says so', async () => {
  api.faults = () => ({ status: 429, headers: { 'retry-after': '3600' } });
  const { c } = setup({ retry: { baseMs: 1, maxMs: 1000, maxAttempts: 5 } });
  const report = await c.run({ all: true, window: HOUR });
  expect(report.streams[0].error?.message).toMatch(/asked to wait 3600 s, more than retry\.maxMs \(1000 ms\)$/);
  expect(api.requests).toHaveLength(1);
});

it('an empty window writes no object and moves the checkpoint', async () => {
  const { dir, c } = setup();
  const report = await c.run({ all: true });
  expect(report.ok).toBe(true);
  expect(report.streams[0].objects).toBe(0);
  expect(listFiles(dir)).toEqual(['slack/slack-audit/_checkpoint.json']);
  const cp = JSON.parse(readFileSync(join(dir, 'slack/slack-audit/_checkpoint.json'), 'utf8'));
  expect(cp).toMatchObject({
    version: 1,
    stream: 'slack-audit',
    position: new Date(T0 + 2 * 3_600_000 - 5 * 60_000).toISOString(),
    pending: null,
  });
  expect(api.requests).toHaveLength(1);
});
