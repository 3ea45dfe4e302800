// A stream longer than one block (4 MiB) is cut into blocks of whole lines: later blocks keep
// the header's field order and the line numbers run on.
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, StreamSource } from '../dist/index.js';
import { gzip, rec } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

const fields = [
  'srcport',
  'version',
  'dstaddr',
  'srcaddr',
  'dstport',
  'protocol',
  'bytes',
  'packets',
  'end',
  'start',
  'action',
  'log-status',
  'account-id',
  'interface-id',
];
const lines = [fields.join(' ')];
for (let i = 0; i < 70_000; i++) {
  lines.push(
    i === 60_000
      ? 'not a record'
      : rec(
          {
            'interface-id': `eni-${i % 7}`,
            srcaddr: `10.0.${i % 13}.1`,
            srcport: 40000 + (i % 999),
            dstport: [443, 22, 53][i % 3],
            packets: i % 17,
            bytes: i * 7,
            start: 1000 + (i % 50),
            end: 1100 + (i % 60),
            'log-status': i % 97 ? 'OK' : 'NODATA',
          },
          fields,
        ),
  );
}
const text = `${lines.join('\n')}\n`;
const want = referenceDigest([{ name: '-', text }]);

it('digests a multi-block stream with a custom header like one object', async () => {
  expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
  for (const body of [Buffer.from(text), gzip(text)]) {
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.subarray(i * 65536, (i + 1) * 65536),
    );
    const d = await digester.digest([new StreamSource(Readable.from(chunks), 'piped')]);
    expect(d.stats.objects).toBe(1); // one object, however many blocks (text.length > one block, above)
    expect(digestToString(d)).toBe(want.text);
    expect(d.stats).toMatchObject({
      headers: 1,
      malformed: 1,
      nodata: want.stats.nodata,
      digested: want.stats.digested,
    });
    expect(d.stats.samples.map((s) => `${s.key}:${s.line}`)).toEqual(['piped:60002']);
  }
});
