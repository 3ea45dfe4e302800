// Empty inputs digest to an empty digest (just the header), never an error: a 0-byte file,
// a header-only file, an empty gzip.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { gzip, lines, V2_HEADER, writeFiles } from './support/flowlog.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();
const [empty, headerOnly, emptyGz, customHeaderGz] = writeFiles(dir, {
  'empty.log': '',
  'header.log': lines(V2_HEADER),
  'empty.log.gz': gzip(''),
  'custom.log.gz': gzip('srcaddr dstaddr bytes\n'),
});

it.each([
  ['a 0-byte file', empty, { lines: 0, headers: 0 }],
  ['a header-only file', headerOnly, { lines: 1, headers: 1 }],
  ['an empty gzip', emptyGz, { lines: 0, headers: 0 }],
  ['a gzip holding only a custom header', customHeaderGz, { lines: 1, headers: 1 }],
])('%s gives an empty digest', async (_what, path, counts) => {
  const d = await digester.digest([path]);
  expect(digestToString(d)).toBe(`${V2_HEADER}\n`);
  expect(d.size).toBe(0);
  expect(d.stats).toMatchObject({ ...counts, records: 0, malformed: 0, objects: 1 });
});

it('passes over a 0-byte file met in a directory walk, counting it as empty', async () => {
  const d = await digester.digest([dir]);
  expect(d.stats.listingSkipped).toEqual({ empty: 1 });
  expect(d.stats.objects).toBe(3);
});
