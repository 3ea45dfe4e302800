// Digest.merge: rows with equal keys add up (sums, records, min start, max end), stats add up.
import { afterAll, expect, it } from 'vitest';
import { createDigester, Digest, digestToString } from '../dist/index.js';
import { lines, memory, rec } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const a = lines(
  rec({ packets: 2, bytes: 300, start: 1010, end: 1020 }),
  rec({ srcaddr: 'x' }),
  '2 1 eni - - - - - - - 1 2 - NODATA',
);
const b = lines(
  rec({ packets: 5, bytes: 18446744073709551615n, start: 1000, end: 1015 }),
  rec({ srcaddr: 'y', bytes: 'bad' }),
);

it('merges rows and stats exactly', async () => {
  const [da, db] = [await digester.digest([memory(a)]), await digester.digest([memory(b)])];
  const m = Digest.merge(da, db);
  expect(digestToString(m)).toBe(
    referenceDigest([
      { name: 'a', text: a },
      { name: 'b', text: b },
    ]).text,
  );
  const row = [...m.rows()].find((r) => r.srcAddr === '10.0.0.1')!;
  expect(row).toMatchObject({ packets: 7n, bytes: 18446744073709551915n, start: 1000, end: 1020, records: 2 });
  expect(m.stats).toMatchObject({ objects: 2, records: 5, digested: 3, nodata: 1, malformed: 1 });
  expect(m.stats.samples).toHaveLength(1);
});

it('leaves its inputs unchanged and merges nothing into an empty digest', async () => {
  const da = await digester.digest([memory(a)]);
  const before = digestToString(da);
  const m = Digest.merge(da, da);
  expect(digestToString(da)).toBe(before);
  expect([...m.rows()][0].records).toBe(2 * [...da.rows()][0].records);
  expect(digestToString(Digest.merge())).toBe(digestToString(new Digest()));
  expect(digestToString(Digest.merge(da))).toBe(before);
});
