// Ports and protocol are small integers in valid data (ports to 65535, protocols to 255). A
// larger value is never silently changed: the record is counted as malformed, as the README says.
import { afterAll, expect, it } from 'vitest';
import { createDigester } from '../dist/index.js';
import { lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

it.each([
  ['dstport', '65536'],
  ['dstport', '2147483647'],
  ['dstport', '2147483648'],
  ['dstport', '3000000000'],
  ['dstport', '99999999999'],
  ['protocol', '256'],
  ['protocol', '4294967296'],
  ['protocol', '999999999999999'],
])('%s %s is counted as malformed', async (field, value) => {
  const d = await digester.digest([memory(lines(rec({ srcport: 0, [field]: value })))]);
  expect(d.stats.malformed).toBe(1);
  expect(d.stats.samples[0]?.reason).toContain(field);
  expect(d.size).toBe(0);
});

it.each([
  ['dstport', '65535'],
  ['protocol', '255'],
])('%s %s, the largest valid value, is kept', async (field, value) => {
  const d = await digester.digest([memory(lines(rec({ srcport: 0, [field]: value })))]);
  expect(d.stats.malformed).toBe(0);
  const row = [...d.rows()][0]!;
  expect(String(field === 'dstport' ? row.dstPort : row.protocol)).toBe(value);
});
