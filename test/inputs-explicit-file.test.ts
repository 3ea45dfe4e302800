// A file named explicitly is read whatever its name; gzip is detected by magic bytes, not name.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { gzip, lines, rec, writeFiles } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();
const text = lines(rec({ srcport: 50000 }), rec({ srcport: 50001, bytes: 7 }));

it('reads a plain-text file with an unusual extension', async () => {
  const [path] = writeFiles(dir, { 'flows.export.TXT': text });
  const d = await digester.digest([path]);
  expect(digestToString(d)).toBe(referenceDigest([{ name: 'f', text }]).text);
  expect(d.stats.listingSkipped).toEqual({});
});

it('inflates a gzip file whatever its name, and reads a .gz-named file that is plain text', async () => {
  const [zipped, plain] = writeFiles(dir, { 'flows.data': gzip(text), 'plain.log.gz': text });
  const want = referenceDigest([{ name: 'f', text }]).text;
  expect(digestToString(await digester.digest([zipped]))).toBe(want);
  expect(digestToString(await digester.digest([plain]))).toBe(want);
});
