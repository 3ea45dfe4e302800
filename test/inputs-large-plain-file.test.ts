// A plain-text file above the streaming threshold goes through in blocks of lines, with the same
// digest, counts and file:line samples as when it is read whole, and counts as one object.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, FileSource } from '../dist/index.js';
import { rec, writeFiles } from './support/flowlog.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

it('streams a large plain file in blocks with identical results', async () => {
  const body: string[] = [
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  ];
  for (let i = 0; i < 20000; i++) {
    body.push(
      i % 5000 === 1234
        ? '2 broken line'
        : rec({ srcaddr: `10.0.${i % 7}.1`, srcport: String(40000 + (i % 900)), bytes: String(i) }),
    );
  }
  const [path] = writeFiles(tempDir(), { 'big.log': `${body.join('\n')}\n` });
  const whole = await digester.digest([new FileSource(path)]);
  const blocks = await digester.digest([new FileSource(path, { plainStreamAbove: 64 * 1024, blockBytes: 100 * 1024 })]);
  expect(digestToString(blocks)).toBe(digestToString(whole));
  expect(blocks.stats.objects).toBe(1);
  expect(blocks.stats.malformed).toBe(4);
  expect(blocks.stats.samples.map((m) => m.line)).toEqual([1236, 6236, 11236, 16236]);
  expect(blocks.stats.samples).toEqual(whole.stats.samples);
  expect({ ...blocks.stats, storedBytes: 0 }).toMatchObject({
    records: whole.stats.records,
    digested: whole.stats.digested,
    headers: 1,
  });
});
