// NDJSON written by writeDigest reads back (readDigest) to the same rows, record counts, big
// sums and stats, plain or gzip.
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, readDigest } from '../dist/index.js';
import { gzip, lines, memory, rec } from './support/flowlog.js';
import { writtenBytes } from './support/written.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const text = lines(
  rec({ packets: 9007199254740993n, bytes: 98765432109876543210n }),
  rec({ srcport: 50001 }),
  rec({ srcport: 50002 }),
  rec({
    srcaddr: '2600:1f18::1',
    'account-id': 'unknown',
    srcport: '-',
    dstport: '-',
    protocol: '-',
    start: '-',
    end: '-',
  }),
  rec({ bytes: 'x' }),
  '2 1 eni - - - - - - - 1 2 - SKIPDATA',
);

async function written(format: 'text' | 'ndjson'): Promise<Buffer> {
  return writtenBytes(await digester.digest([memory(text)]), format);
}

it('round-trips rows with record counts and stats', async () => {
  const nd = await written('ndjson');
  const back = await readDigest(Readable.from([nd]), 'x.ndjson');
  expect(digestToString(back, 'ndjson')).toBe(nd.toString());
  expect([...back.rows()].map((r) => r.records)).toEqual([3, 1]);
  expect(back.stats).toMatchObject({ records: 6, digested: 4, skipdata: 1, malformed: 1 });
});

it('ends with a stats line that counts rows', async () => {
  const last = (await written('ndjson')).toString().trimEnd().split('\n').at(-1)!;
  expect(JSON.parse(last).stats).toMatchObject({ rows: 2, digested: 4, skipdata: 1, malformed: 1, objects: 1 });
});

it('reads gzip NDJSON too', async () => {
  const nd = await written('ndjson');
  const back = await readDigest(Readable.from([gzip(nd)]), 'x.ndjson.gz');
  expect(digestToString(back, 'ndjson')).toBe(nd.toString());
});
