// GET /report over a real socket: the JSON is the library's report of the stored digest (and
// of the baseline window's, for `new`), the HTML is the report page, filters and top apply,
// bad parameters are 400 naming them, a window never made is 404, and the read scope holds.
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readDigest } from '../dist/index.js';
import { buildReport, reportToJson } from '../dist/report/index.js';
import { BUNDLED_LOGS, tokenSha256 } from '../dist/service/index.js';
import { http, until, windowQuery } from './support/http.js';
import { startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-report-');
const A = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:50:00Z' };
const B = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
const READER = 'report-reader-token-0123',
  WRITER = 'report-writer-token-0123';
const as = (t: string) => ({ authorization: `Bearer ${t}` });
let s: Started;

const stored = async (w: typeof A) => {
  const r = await until(async () => {
    const x = await http(`${s.url}/${windowQuery(w.start, w.stop, { format: 'ndjson' })}`, { headers: as(READER) });
    return x.status === 200 ? x : undefined;
  });
  return readDigest(Readable.from([r.body]), 'stored.ndjson');
};

beforeAll(async () => {
  s = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'store'),
    queuer: 'self',
    tokens: [
      { name: 'writer', sha256: tokenSha256(WRITER), scopes: ['write', 'read'] },
      { name: 'reader', sha256: tokenSha256(READER), scopes: ['read'] },
    ],
  });
  for (const w of [A, B])
    expect(
      (await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST', headers: as(WRITER) })).status,
    ).toBe(202);
});
afterAll(async () => {
  await s?.close();
});

it('answers the report of the stored digest as JSON, with new since the baseline', async () => {
  const [a, b] = [await stored(A), await stored(B)];
  const plain = await http(`${s.url}/report${windowQuery(A.start, A.stop)}`, { headers: as(READER) });
  expect(plain.status).toBe(200);
  expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(plain.text).toBe(reportToJson(buildReport(a)));
  const q = { top: '3', action: 'REJECT', baseline_start: B.start, baseline_stop: B.stop };
  const r = await http(`${s.url}/report${windowQuery(A.start, A.stop, q)}`, { headers: as(READER) });
  expect(r.status).toBe(200);
  const expected = buildReport(a, { top: 3, actions: ['REJECT'] }, b);
  expect(r.text).toBe(reportToJson(expected));
  expect(expected.new!.baseline.rows).toBeGreaterThan(0);
  expect(expected.totals.actions.ACCEPT).toBeUndefined();
});

it('answers the HTML page with its CSP', async () => {
  const r = await http(`${s.url}/report${windowQuery(A.start, A.stop, { format: 'html' })}`, { headers: as(READER) });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(r.text).toContain('<div id="lead">');
  expect(r.text).toContain('Content-Security-Policy" content="default-src \'none\'');
  expect(r.text).toMatch(/<title>flowdigest report: 2026-01-15 16:\d\d:\d\dZ to 2026-01-15 /);
});

it('refuses bad parameters (400, named), unknown windows (404) and missing scope (401)', async () => {
  const bad = async (extra: Record<string, string>, message: RegExp) => {
    const r = await http(`${s.url}/report${windowQuery(A.start, A.stop, extra)}`, { headers: as(READER) });
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message).toMatch(message);
  };
  await bad({ port: '70000' }, /port '70000'/);
  await bad({ cidr: '10.0.0.1/8' }, /^cidr .*host bits set/);
  await bad({ baseline_start: B.start }, /baseline_start and baseline_stop go together/);
  await bad({ top: '0' }, /top/);
  const never = await http(`${s.url}/report${windowQuery('2026-01-15T10:00:00Z', '2026-01-15T10:10:00Z')}`, {
    headers: as(READER),
  });
  expect(never.status).toBe(404);
  expect((await http(`${s.url}/report${windowQuery(A.start, A.stop)}`)).status).toBe(401);
});
