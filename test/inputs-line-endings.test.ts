// CRLF line endings and a last line without a newline digest like LF-terminated text.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { gzip, memory, MemorySource, rec, V2_HEADER } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const records = [rec({ srcport: 50000 }), rec({ srcport: 50001, bytes: 250 }), rec({ srcaddr: '2600:1f18::1' })];
const lf = `${[V2_HEADER, ...records].join('\n')}\n`;
const want = referenceDigest([{ name: 'lf', text: lf }]).text;

it('reads CRLF text (the header too) like LF text', async () => {
  const crlf = `${[V2_HEADER, ...records].join('\r\n')}\r\n`;
  const d = await digester.digest([memory(crlf)]);
  expect(digestToString(d)).toBe(want);
  expect(d.stats).toMatchObject({ headers: 1, digested: 3, malformed: 0, blank: 0 });
});

it('reads a last line without a newline, plain and gzip', async () => {
  const noEol = lf.slice(0, -1);
  const d = await digester.digest([
    new MemorySource([
      { key: 'p', body: noEol },
      { key: 'g', body: gzip(noEol) },
    ]),
  ]);
  expect(d.stats).toMatchObject({ digested: 6, malformed: 0 });
  expect(digestToString(d)).toBe(
    referenceDigest([
      { name: 'p', text: noEol },
      { name: 'g', text: noEol },
    ]).text,
  );
});

it('reads a CRLF last line without a newline', async () => {
  const d = await digester.digest([memory(`${records.join('\r\n')}`)]);
  expect(digestToString(d)).toBe(want);
});
