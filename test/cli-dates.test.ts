// One RFC 3339 parser for the CLI's --start/--end and the service: every field checked (no
// 2026-02-30), seconds and an offset required, fractions and offsets applied, and years
// 0000-0099 kept as such (Date.UTC alone maps them to 1900-1999), in digest IDs too.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { digestId } from '../dist/service/index.js';
import { parseRfc3339 } from '../dist/index.js';
import { lines, rec } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
const file = join(dir, 'one.log');
writeFileSync(file, lines(rec({ start: 1000, end: 1060 })));

const rejected = [
  '2026-02-30T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '1900-02-29T00:00:00Z',
  '2026-01-15T16:20Z',
  '2026-01-15T16:20',
  '2026-01-15T24:00:00Z',
  '2026-01-15T16:20:60Z',
  '2026-13-01T00:00:00Z',
  '2026-01-15T16:20:00+24:00',
  '2026-1-15T16:20:00Z',
];
const accepted: [string, string][] = [
  ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ['2000-02-29T23:59:59z', '2000-02-29T23:59:59.000Z'],
  ['2026-01-15t16:20:00.123456+05:30', '2026-01-15T10:50:00.123Z'],
  ['2026-01-15 16:20:00-01:00', '2026-01-15T17:20:00.000Z'],
  ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
  ['0099-12-31T23:59:59.5Z', '0099-12-31T23:59:59.500Z'],
];

it.each(rejected)('the service and --start both reject %s', async (value) => {
  expect(parseRfc3339(value)).toBeUndefined();
  const r = await runCli(['digest', file, '-q', '--start', value]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`--start '${value}' is not an RFC 3339 time`);
});

it.each(accepted)('%s is %s', (value, iso) => {
  expect(parseRfc3339(value)).toBe(Date.parse(iso));
});

it('--start in year 0099 keeps records of 1970 (not read as 1999)', async () => {
  const r = await runCli([
    'digest',
    file,
    '-f',
    'ndjson',
    '-q',
    '--start',
    '0099-12-31T23:59:59Z',
    '--end',
    '2026-01-01T00:00:00Z',
  ]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).stats).toMatchObject({ digested: 1, filtered: 0 });
});

it('digest IDs of years 0000-0099 name those years', () => {
  const ns = (name: string, namespace: string) => {
    const h = createHash('sha1')
      .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
      .update(name)
      .digest();
    h[6] = (h[6] & 0x0f) | 0x50;
    h[8] = (h[8] & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  };
  const digestNs = ns('urn:flowdigest:digest-window', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');
  expect(digestId('0050-06-01T00:00:00Z', '0050-06-01T01:00:00+00:00')).toBe(
    ns('0050-06-01T00:00:00Z/0050-06-01T01:00:00Z', digestNs),
  );
  expect(digestId('0050-06-01T00:00:00Z', '0050-06-01T01:00:00Z')).not.toBe(
    digestId('1950-06-01T00:00:00Z', '1950-06-01T01:00:00Z'),
  );
});
