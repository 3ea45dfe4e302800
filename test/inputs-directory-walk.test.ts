// A directory is walked recursively for *.log.gz, *.log and *.gz; other files are passed over
// and counted in stats.listingSkipped.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { gzip, lines, rec, writeFiles } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const dir = tempDir();
const texts = {
  a: lines(rec({ srcaddr: 'a' })),
  b: lines(rec({ srcaddr: 'b' })),
  c: lines(rec({ srcaddr: 'c' })),
  d: lines(rec({ srcaddr: 'd', srcport: 1234 })),
};
writeFiles(dir, {
  'x/a.log.gz': gzip(texts.a),
  'x/y/z/b.log': texts.b,
  'c.gz': gzip(texts.c),
  'y/d.LOG.gz.log': texts.d,
  'README.md': lines(rec({ srcaddr: 'no' })),
  'x/notes.txt': lines(rec({ srcaddr: 'no' })),
  'x/y/data.json': '{}',
  'x/y/z/flows.log.gz.bak': gzip(lines(rec({ srcaddr: 'no' }))),
});

it('digests the log files, recursively, and counts the others', async () => {
  const d = await digester.digest([dir]);
  expect(digestToString(d)).toBe(referenceDigest(Object.entries(texts).map(([name, text]) => ({ name, text }))).text);
  expect(d.stats.objects).toBe(4);
  expect(d.stats.listingSkipped).toEqual({ not_log_file: 4 });
});
