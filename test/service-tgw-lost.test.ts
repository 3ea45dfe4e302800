// The service over Transit Gateway logs (issue 19): a stored window's digest sums the
// packets-lost-* fields (text header and rows, NDJSON rows and stats line), equal to the
// library's over the same objects; GET /report and /graph read it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { digestInputs, digestToString, FIELD_PRESETS, PACKETS_LOST_FIELDS, readDigest } from '../dist/index.js';
import { http, until, windowQuery } from './support/http.js';
import { lines } from './support/flowlog.js';
import { startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-tgw-');
const logs = join(dir, 'logs');
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:40:00Z' };
const TGW = FIELD_PRESETS.tgw;
let s: Started;

function record(i: number): string {
  const end = Date.parse('2026-01-15T16:25:00Z') / 1000 + i;
  const v: Record<string, string> = {
    version: '6',
    'resource-type': 'TransitGateway',
    'account-id': '123456789012',
    'tgw-id': 'tgw-0a1b',
    'tgw-attachment-id': `tgw-attach-${i % 3}`,
    srcaddr: `10.0.0.${i % 4}`,
    dstaddr: '10.1.0.1',
    srcport: String(50000 + i),
    dstport: '443',
    protocol: '6',
    packets: String(i + 1),
    bytes: String((i + 1) * 100),
    start: String(end - 60),
    end: String(end),
    'log-status': 'OK',
    'packets-lost-no-route': String(i % 2),
    'packets-lost-blackhole': i % 5 === 0 ? '-' : '1',
    'packets-lost-mtu-exceeded': '0',
    'packets-lost-ttl-expired': String(i),
  };
  return TGW.map((f) => v[f] ?? '-').join(' ');
}

beforeAll(async () => {
  const at = join(logs, 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/15');
  mkdirSync(at, { recursive: true });
  const recs = Array.from({ length: 40 }, (_, i) => record(i));
  writeFileSync(
    join(at, '123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20260115T1625Z_1a2b3c4d.log.gz'),
    gzipSync(lines(TGW.join(' '), ...recs)),
  );
  s = await startService({ logs, store: join(dir, 'store'), queuer: 'self', insecureNoAuth: true });
  expect((await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' })).status).toBe(202);
});
afterAll(async () => {
  await s?.close();
});

const stored = (format = 'text') =>
  until(async () => {
    const x = await http(`${s.url}/${windowQuery(W.start, W.stop, { format })}`);
    return x.status === 200 ? x : undefined;
  });

it('a stored TGW window sums packets-lost-*: text and NDJSON as the library writes them', async () => {
  const lib = await digestInputs([logs], { threads: 1, start: new Date(W.start), end: new Date(W.stop) });
  expect(lib.lost).toEqual([...PACKETS_LOST_FIELDS]);
  const text = await stored();
  expect(text.text).toBe(digestToString(lib));
  expect(text.text.split('\n')[0]).toMatch(/ log-status packets-lost-no-route .* packets-lost-ttl-expired$/);
  const nd = await stored('ndjson');
  const back = await readDigest(Readable.from([nd.body]), 'w.ndjson');
  expect(back.lost).toEqual(lib.lost);
  expect(digestToString(back)).toBe(digestToString(lib));
  const report = await http(`${s.url}/report${windowQuery(W.start, W.stop)}`);
  expect(report.status).toBe(200);
  const graph = await http(`${s.url}/graph${windowQuery(W.start, W.stop, { format: 'dot' })}`);
  expect(graph.status).toBe(200);
});
