// A truncated gzip object fails the run with a CorruptObjectError naming it; with
// skipBadObjects it is skipped, listed in stats.skippedObjects, and the rest is digested.
import { afterAll, expect, it } from 'vitest';
import { CorruptObjectError, createDigester, digestToString } from '../dist/index.js';
import { gzip, lines, rec, truncatedGzip, writeFiles } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();
const good1 = lines(rec({ srcaddr: 'a' }), rec({ srcaddr: 'b' }));
const good2 = lines(rec({ srcaddr: 'a', bytes: 5 }));
const bodyOfBad = lines(...Array.from({ length: 200 }, (_, i) => rec({ srcport: 40000 + i })));
const [, bad] = writeFiles(dir, { '1.log.gz': gzip(good1), '2.log.gz': truncatedGzip(bodyOfBad), '3.log': good2 });

it('rejects with CorruptObjectError naming the file', async () => {
  const err = await digester.digest([dir]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CorruptObjectError);
  expect(err).toMatchObject({ code: 'FD_ERR_CORRUPT_OBJECT', key: bad });
  expect((err as Error).message).toContain(bad);
});

it('with skipBadObjects, skips and lists it and digests the others', async () => {
  const d = await digester.digest([dir], { skipBadObjects: true });
  expect(d.stats.skippedObjects.map((s) => s.key)).toEqual([bad]);
  expect(d.stats.skippedObjects[0].reason).toContain(bad);
  expect(digestToString(d)).toBe(
    referenceDigest([
      { name: '1', text: good1 },
      { name: '3', text: good2 },
    ]).text,
  );
  expect(d.stats.objects).toBe(2);
});
