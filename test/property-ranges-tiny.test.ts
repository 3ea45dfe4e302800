import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, type Digest, type DigestFormat, digestToString } from '../dist/index.js';
import { objectArb, refInputs, sourceOf, type ObjectSpec } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { writtenBytes } from './support/written.js';

const digesters = [1, 3, 7, 1e6].map((rangeRows) => createDigester({ threads: 3, rangeRows }));
afterAll(() => Promise.all(digesters.map((d) => d.close())));

const written = async (d: Digest, format: DigestFormat) => (await writtenBytes(d, format)).toString('utf8');

// One head, many ports, protocols and actions: equal heads that differ only after the head.
const sameHeadArb: fc.Arbitrary<ObjectSpec> = fc
  .array(
    fc.record({
      sport: fc.constantFrom('0', '1', '22', '443', '1024', '50000', '-'),
      dport: fc.constantFrom('0', '80', '443', '8443', '61000', '-'),
      proto: fc.constantFrom('1', '6', '17', '-'),
      action: fc.constantFrom('ACCEPT', 'REJECT', 'ACCEPTED', '-'),
      bytes: fc.integer({ min: 0, max: 1e6 }).map(String),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((rs) => ({
    gzip: false,
    fields: [],
    text: rs
      .map(
        (r) =>
          `2 111122223333 eni-1 10.0.0.1 10.0.0.2 ${r.sport} ${r.dport} ${r.proto} 1 ${r.bytes} 1000 1060 ${r.action} OK\n`,
      )
      .join(''),
  }));

const inputsArb = fc.array(fc.oneof(objectArb, sameHeadArb), { minLength: 1, maxLength: 6 });

it('tiny ranges over 3 runs: written text and NDJSON equal the reference', async () => {
  await fc.assert(
    fc.asyncProperty(inputsArb, fc.integer({ min: 0, max: 3 }), async (objects, which) => {
      const d = await digesters[which].digest([sourceOf(objects)]);
      const ref = referenceDigest(refInputs(objects));
      expect(await written(d, 'text')).toBe(ref.text);
      expect(digestToString(d)).toBe(ref.text);
      expect(d.size).toBe(ref.text.split('\n').length - 2);
      expect((await written(d, 'ndjson')).split('\n').slice(0, -2)).toEqual(ref.ndjsonRows);
    }),
    { numRuns: 60 },
  );
});

it('tiny ranges: rows() walks the same rows in the same order as the text', async () => {
  await fc.assert(
    fc.asyncProperty(inputsArb, async (objects) => {
      const d = await digesters[0].digest([sourceOf(objects)]);
      const text = digestToString(d).split('\n').slice(1, -1);
      const rows = [...d.rows()];
      expect(rows.length).toBe(text.length);
      rows.forEach((r, i) =>
        expect(text[i].split(' ').slice(1, 5)).toEqual([r.account, r.interfaceId, r.srcAddr, r.dstAddr]),
      );
    }),
    { numRuns: 30 },
  );
});
