// The ephemeral-port rule: the larger port is the client's and becomes 0, the source on a tie;
// when either port is 0 or `-`, both are kept as they are.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { bodyLines, lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const ports = async (srcport: string, dstport: string): Promise<string> => {
  const d = await digester.digest([memory(lines(rec({ srcport, dstport })))]);
  const [row] = bodyLines(digestToString(d));
  return row.split(' ').slice(5, 7).join(' ');
};

it.each([
  ['50000', '443', '0 443'], // larger source is ephemeral
  ['443', '50000', '443 0'], // larger destination is ephemeral
  ['8080', '8080', '0 8080'], // tie: the source is zeroed
  ['1', '65535', '1 0'],
  ['0', '53', '0 53'], // a 0 port keeps both
  ['53', '0', '53 0'],
  ['0', '0', '0 0'],
  ['-', '443', '- 443'], // an absent port keeps both
  ['50000', '-', '50000 -'],
  ['-', '-', '- -'],
])('srcport %s dstport %s → %s', async (src, dst, want) => {
  expect(await ports(src, dst)).toBe(want);
});

it('folds flows that differ only in their ephemeral port into one row', async () => {
  const d = await digester.digest([
    memory(
      lines(
        rec({ srcport: 50000, dstport: 443, packets: 2, bytes: 300 }),
        rec({ srcport: 50001, dstport: 443, packets: 3, bytes: 700 }),
      ),
    ),
  ]);
  expect(bodyLines(digestToString(d))).toEqual([
    '2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 5 1000 1000 1060 ACCEPT OK',
  ]);
  expect([...d.rows()][0].records).toBe(2);
});
