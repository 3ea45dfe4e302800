// Malformed records (wrong field count, non-integer ports or counts) are counted, not digested,
// and the first few are kept as samples that say where (key:line) and why.
import { afterAll, expect, it } from 'vitest';
import { createDigester, MAX_SAMPLES } from '../dist/index.js';
import { lines, MemorySource, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

it('counts malformed lines and keeps key:line samples with a reason', async () => {
  const text = lines(
    rec(), // 1 ok
    rec().split(' ').slice(0, 13).join(' '), // 2 thirteen fields
    `${rec()} extra`, // 3 fifteen fields
    '', // 4 blank: not a record
    rec({ srcport: '44x' }), // 5 port not an integer
    rec({ dstport: '-1' }), // 6 negative port
    rec({ bytes: '12x' }), // 7 bytes not an integer
    rec({ packets: '1.5' }), // 8 packets not an integer
    rec({ protocol: '' }).replace('  ', ' '), // 9 a field missing (13 fields)
  );
  const d = await digester.digest([new MemorySource([{ key: 'logs/a.log', body: text }])]);
  expect(d.stats).toMatchObject({ records: 8, digested: 1, malformed: 7, blank: 1 });
  expect(d.stats.samples.map((s) => `${s.key}:${s.line}`)).toEqual([
    'logs/a.log:2',
    'logs/a.log:3',
    'logs/a.log:5',
    'logs/a.log:6',
    'logs/a.log:7',
    'logs/a.log:8',
    'logs/a.log:9',
  ]);
  const reasons = d.stats.samples.map((s) => s.reason);
  expect(reasons[0]).toMatch(/14.*13|13.*14/);
  expect(reasons[2]).toContain('srcport');
  expect(reasons[4]).toContain('bytes');
  expect(reasons[5]).toContain('packets');
});

it('keeps at most MAX_SAMPLES samples, the first ones by key and line, but counts all', async () => {
  const bad = rec({ bytes: 'x' });
  const objects = ['b', 'a'].map((key) => ({ key, body: lines(...Array.from({ length: MAX_SAMPLES }, () => bad)) }));
  const d = await digester.digest([new MemorySource(objects)]);
  expect(d.stats.malformed).toBe(2 * MAX_SAMPLES);
  expect(d.stats.samples).toHaveLength(MAX_SAMPLES);
  expect(d.stats.samples.map((s) => `${s.key}:${s.line}`)).toEqual(
    Array.from({ length: MAX_SAMPLES }, (_, i) => `a:${i + 1}`),
  );
});
