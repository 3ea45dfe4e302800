// Ports and protocol are small integers in valid data. A larger value must never be silently
// changed: it is either kept exactly or the record is counted as malformed.
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
])('%s %s is kept exactly or counted as malformed', async (field, value) => {
  const d = await digester.digest([memory(lines(rec({ srcport: 0, [field]: value })))]);
  if (d.stats.malformed === 1) {
    expect(d.size).toBe(0);
  } else {
    const row = [...d.rows()][0];
    expect(String(field === 'dstport' ? row.dstPort : row.protocol)).toBe(value);
  }
});
