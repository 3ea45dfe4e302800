// `-` stands for a value that does not apply: it is kept in keys and printed back as `-`; a `-`
// count adds nothing, and a column with no value in any record prints `-`.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { bodyLines, lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

it('keeps - in string and port fields and as distinct keys', async () => {
  const d = await digester.digest([
    memory(
      lines(
        rec({ 'account-id': '-', srcaddr: '-', srcport: '-', dstport: '-', protocol: '-', action: '-' }),
        rec({ 'account-id': '-', srcaddr: '-', srcport: '-', dstport: '-', protocol: '-', action: '-' }),
        rec({ 'account-id': '-', srcaddr: '-', srcport: '0', dstport: '0', protocol: '-', action: '-' }),
      ),
    ),
  ]);
  expect(bodyLines(digestToString(d))).toEqual([
    '2 - eni-1 - 10.0.0.2 - - - 2 200 1000 1060 - OK', // null ports sort before 0
    '2 - eni-1 - 10.0.0.2 0 0 - 1 100 1000 1060 - OK',
  ]);
  const rows = [...d.rows()];
  expect(rows[0]).toMatchObject({
    account: '-',
    srcAddr: '-',
    srcPort: null,
    dstPort: null,
    protocol: null,
    action: '-',
  });
});

it('adds nothing for a - count, and prints - when no record had one', async () => {
  const some = await digester.digest([
    memory(lines(rec({ packets: '-', bytes: 5 }), rec({ packets: '-', bytes: '-' }))),
  ]);
  expect(bodyLines(digestToString(some))).toEqual([
    '2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 - 5 1000 1060 ACCEPT OK',
  ]);
  expect([...some.rows()][0]).toMatchObject({ packets: 0n, bytes: 5n, records: 2 });
});

it('ignores - times for start/end and prints - when a row has none', async () => {
  const d = await digester.digest([
    memory(
      lines(
        rec({ start: '-', end: '-', srcaddr: 'a' }),
        rec({ start: '-', end: 1070, srcaddr: 'b' }),
        rec({ start: 1020, end: '-', srcaddr: 'b' }),
      ),
    ),
  ]);
  expect(bodyLines(digestToString(d)).map((l) => l.split(' ').slice(10, 12).join(' '))).toEqual(['- -', '1020 1070']);
  expect([...d.rows()][0]).toMatchObject({ start: null, end: null });
});
