// onePasswordEvents against a loopback server speaking the 1Password Events API: a reset
// cursor with start_time/end_time, then cursor while has_more, for each event type; exact big
// numbers from pretty-printed records; inclusive API bounds not duplicating across windows;
// 429, 5xx, bad auth and an empty window.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  collector,
  fsDestination,
  onePasswordEvents,
  SourceAuthError,
  InvalidOptionError,
} from '../dist/collect/index.js';
import { listFiles, logSink, readLines } from './support/collect.js';
import { tempDir } from './support/tmp.js';
import { onePasswordItem, startVendorApi, type VendorApi } from './support/vendor-api.js';

const TOKEN = 'op-events-secret-abcdef';
const T0 = Date.parse('2026-02-01T00:00:00Z');
const WINDOW = { start: new Date(T0), end: new Date(T0 + 3_600_000) };
let api: VendorApi;

beforeAll(async () => {
  api = await startVendorApi(TOKEN);
});
afterAll(async () => {
  await api?.close();
});
beforeEach(() => {
  api.requests = [];
  api.faults = () => undefined;
  api.onepassword = { signinattempts: [], itemusages: [], auditevents: [] };
});

function setup(token: string | undefined = TOKEN, limit = 4) {
  const dir = tempDir('collect-1p-');
  const sink = logSink();
  const c = collector(
    [
      {
        id: '1pw',
        source: onePasswordEvents({ token, baseUrl: api.endpoint, limit }),
        destination: fsDestination({ dir }),
      },
    ],
    { log: sink.log, retry: { baseMs: 1, maxMs: 1500, maxAttempts: 4 } },
  );
  return { dir, sink, c };
}
// The compact form of a raw record, as the collector writes it.
const compact = (raw: string) => raw.replace(/\n\s*/g, '').replace(/": /g, '":');

it('collects every event type, paging with the cursor; records exact and one per line', async () => {
  api.onepassword.signinattempts = Array.from({ length: 9 }, (_, i) => onePasswordItem(i, T0 + i * 60_000));
  api.onepassword.itemusages = Array.from({ length: 3 }, (_, i) => onePasswordItem(100 + i, T0 + i * 1000));
  const { dir, c } = setup();
  const report = await c.run({ all: true, window: WINDOW });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  const files = listFiles(dir).filter((f) => f.endsWith('.ndjson.gz'));
  // 9 sign-in attempts in pages of 4, 3 item usages in one, no audit events.
  expect(files.map((f) => f.replace(/^.*_(\d{6})_([a-z]+)\.ndjson\.gz$/, '$2 $1'))).toEqual([
    'itemusages 000000',
    'signinattempts 000000',
    'signinattempts 000001',
    'signinattempts 000002',
  ]);
  const expected = [...api.onepassword.signinattempts, ...api.onepassword.itemusages].map((r) => compact(r.raw));
  expect(readLines(dir).sort()).toEqual(expected.sort());
  expect(readLines(dir).join('\n')).toContain('"counter":18446744073709551615');
  const bodies = api.requests.map((r) => r.line);
  expect(bodies[0]).toBe(
    `POST /api/v1/signinattempts {"limit":4,"start_time":"2026-02-01T00:00:00.000Z","end_time":"2026-02-01T01:00:00.000Z"}`,
  );
  expect(bodies[1]).toMatch(/^POST \/api\/v1\/signinattempts \{"cursor":"[A-Za-z0-9_-]+"\}$/);
  expect(bodies.filter((b) => b.includes('/auditevents'))).toHaveLength(1);
});

it('an item stamped exactly at the window end goes to the next window only', async () => {
  api.onepassword.auditevents = [
    onePasswordItem(1, T0),
    onePasswordItem(2, T0 + 3_600_000),
    onePasswordItem(3, T0 + 3_600_001),
  ];
  const { dir, c } = setup();
  await c.run({ all: true, window: WINDOW });
  await c.run({ all: true, window: { start: WINDOW.end, end: new Date(T0 + 7_200_000) } });
  const lines = readLines(dir);
  expect(lines.sort()).toEqual(api.onepassword.auditevents.map((r) => compact(r.raw)).sort());
});

it('retries 429 and 5xx, and refuses a bad token without retrying', async () => {
  api.onepassword.itemusages = [onePasswordItem(1, T0 + 5)];
  api.faults = (n) =>
    n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : n === 2 ? { status: 500 } : undefined;
  const ok = setup();
  const report = await ok.c.run({ all: true, window: WINDOW });
  expect(report.ok).toBe(true);
  expect(report.streams[0].retries).toBe(2);
  expect(readLines(ok.dir)).toHaveLength(1);

  api.requests = [];
  api.faults = () => undefined;
  const bad = setup('op-wrong-token-zzz');
  const failed = await bad.c.run({ all: true, window: WINDOW });
  const err = failed.streams[0].error;
  expect(err).toBeInstanceOf(SourceAuthError);
  expect(err?.message).toMatch(
    /^stream 1pw: POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/signinattempts answered 401 Unauthorized: check the secret in ONE_PASSWORD_TOKEN$/,
  );
  expect(api.requests).toHaveLength(1);
  expect(bad.sink.text()).not.toContain('op-wrong-token');
});

it('an empty window sends one request per type and writes nothing', async () => {
  const { dir, c } = setup();
  const report = await c.run({ all: true, window: WINDOW });
  expect(report.ok).toBe(true);
  expect(listFiles(dir)).toEqual([]);
  expect(api.requests).toHaveLength(3);
});

it('rejects bad options up front, naming them', () => {
  expect(() => onePasswordEvents({ token: 'x', events: ['signinattempts', 'logins' as never] })).toThrow(
    InvalidOptionError,
  );
  expect(() => onePasswordEvents({ token: 'x', limit: 5000 })).toThrow(
    /onePasswordEvents\.limit must be an integer from 1 to 1000/,
  );
  expect(() => onePasswordEvents({ token: 'x', baseUrl: 'http://user:pw@host/' })).toThrow(
    /onePasswordEvents\.baseUrl/,
  );
});
