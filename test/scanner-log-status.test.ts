// NODATA and SKIPDATA records are counted, each in its own counter, and never digested.
import { afterAll, expect, it } from 'vitest';
import { createDigester } from '../dist/index.js';
import { lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

it('counts NODATA and SKIPDATA separately from digested records', async () => {
  const nodata = '2 111122223333 eni-1 - - - - - - - 1000 1060 - NODATA';
  const skipdata = '2 111122223333 eni-1 - - - - - - - 1000 1060 - SKIPDATA';
  const d = await digester.digest([memory(lines(nodata, nodata, skipdata, rec(), nodata))]);
  expect(d.stats).toMatchObject({ records: 5, nodata: 3, skipdata: 1, digested: 1, malformed: 0 });
  expect(d.size).toBe(1);
});

it('treats an unknown log-status as malformed, not as NODATA/SKIPDATA', async () => {
  const d = await digester.digest([memory(lines(rec({ 'log-status': 'nodata' }), rec({ 'log-status': 'SKIP' })))]);
  expect(d.stats).toMatchObject({ nodata: 0, skipdata: 0, malformed: 2, digested: 0 });
});
