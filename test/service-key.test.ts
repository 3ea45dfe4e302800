// `serve --key`: the service digests under the key, stores it with each digest (text header,
// NDJSON rows and stats line), and GET /, /graph, /diff and /report honour it: each answer
// equals the library's over the same logs and key (whose digests the format-key tests compare
// with the naive reference). Windows stored under different keys: /diff answers 409.
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { digestInputs, digestToString, readDigest, type Digest } from '../dist/index.js';
import { diffDigests, diffToString, dotToString } from '../dist/graph/index.js';
import { buildReport, reportToJson } from '../dist/report/index.js';
import { BUNDLED_LOGS } from '../dist/service/index.js';
import { http, until, windowQuery } from './support/http.js';
import { startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-key-');
const A = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:50:00Z' };
const B = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
const KEY = 'srcaddr,dstaddr,dstport,protocol,action';
const library = (w: typeof A, key: string): Promise<Digest> =>
  digestInputs([BUNDLED_LOGS], { threads: 1, start: new Date(w.start), end: new Date(w.stop), key });
let s: Started;

const stored = (base: string, w: typeof A, format = 'text') =>
  until(async () => {
    const x = await http(`${base}/${windowQuery(w.start, w.stop, { format })}`);
    return x.status === 200 ? x : undefined;
  });

beforeAll(async () => {
  s = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'store'),
    queuer: 'self',
    insecureNoAuth: true,
    key: KEY,
  });
  for (const w of [A, B])
    expect((await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST' })).status).toBe(202);
});
afterAll(async () => {
  await s?.close();
});

it('stores the digest under the key: text and NDJSON name it', async () => {
  const text = await stored(s.url, A);
  const lib = await library(A, KEY);
  expect(text.text).toBe(digestToString(lib));
  expect(text.text.split('\n')[0]).toBe('srcaddr dstaddr dstport protocol action packets bytes start end log-status');
  const nd = await stored(s.url, A, 'ndjson');
  const back = await readDigest(Readable.from([nd.body]), 'a.ndjson');
  expect(back.key).toEqual(KEY.split(','));
  expect(digestToString(back, 'ndjson').split('\n').slice(0, -2)).toEqual(
    digestToString(lib, 'ndjson').split('\n').slice(0, -2),
  );
});

it('GET /graph, /diff and /report honour the stored key', async () => {
  await stored(s.url, A);
  await stored(s.url, B);
  const [a, b] = [await library(A, KEY), await library(B, KEY)];
  const g = await http(`${s.url}/graph${windowQuery(A.start, A.stop, { format: 'dot', top: '7' })}`);
  expect(g.status).toBe(200);
  expect(g.text).toBe(dotToString(a, { top: 7 }));
  const q = new URLSearchParams({
    previous_start: B.start,
    previous_stop: B.stop,
    next_start: A.start,
    next_stop: A.stop,
  });
  const d = await http(`${s.url}/diff?${q}&format=text`);
  expect(d.status).toBe(200);
  expect(d.text).toBe(await diffToString(diffDigests(b, a), 'text'));
  // Keyed lines: the key's five fields, then packets bytes start end log-status.
  expect(d.text.split('\n')[0].split(' ')).toHaveLength(1 + 5 + 5);
  const r = await http(
    `${s.url}/report${windowQuery(A.start, A.stop, { baseline_start: B.start, baseline_stop: B.stop })}`,
  );
  expect(r.status).toBe(200);
  const nd = await stored(s.url, A, 'ndjson');
  const nb = await stored(s.url, B, 'ndjson');
  const [ra, rb] = [await readDigest(Readable.from([nd.body]), 'a'), await readDigest(Readable.from([nb.body]), 'b')];
  expect(r.text).toBe(reportToJson(buildReport(ra, {}, rb)));
});

it('a digest stored under another key stays readable; /diff across keys answers 409 naming both', async () => {
  await stored(s.url, A);
  await s.close();
  const C = { start: '2026-01-15T16:40:00Z', stop: '2026-01-15T16:50:00Z' };
  const other = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'store'),
    queuer: 'self',
    insecureNoAuth: true,
    key: 'srcaddr dstaddr protocol action',
  });
  s = other;
  expect((await http(`${s.url}/${windowQuery(C.start, C.stop)}`, { method: 'POST' })).status).toBe(202);
  expect((await stored(s.url, C)).text.split('\n')[0]).toBe(
    'srcaddr dstaddr protocol action packets bytes start end log-status',
  );
  expect((await stored(s.url, A)).text.split('\n')[0]).toMatch(/^srcaddr dstaddr dstport protocol action /);
  const q = new URLSearchParams({
    previous_start: A.start,
    previous_stop: A.stop,
    next_start: C.start,
    next_stop: C.stop,
  });
  const d = await http(`${s.url}/diff?${q}&format=text`);
  expect(d.status).toBe(409);
  expect(d.json<{ message: string }>().message).toMatch(/different keys.*dstport.*'srcaddr dstaddr protocol action'/);
});

it('a bad key is refused at start, naming the setting', async () => {
  await expect(
    startService({ logs: BUNDLED_LOGS, store: join(dir, 'bad'), queuer: 'self', insecureNoAuth: true, key: '+dstprt' }),
  ).rejects.toMatchObject({ code: 'FD_ERR_INVALID_OPTION', message: expect.stringMatching(/options\.key.*dstport/) });
});
