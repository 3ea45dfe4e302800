// An ObjectSource may return a Uint8Array that views part of a larger ArrayBuffer (a pooled
// Buffer, a slice of a download buffer). Only the viewed bytes are digested, and the bytes
// around the view are left intact.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, type ObjectRef, type ObjectSource } from '../dist/index.js';
import { lines, rec } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const text = lines(rec({ srcaddr: 'inside' }));
const before = lines(rec({ srcaddr: 'before' }));
const after = lines(rec({ srcaddr: 'after' }));

it('digests only the bytes a view covers and leaves its backing buffer usable', async () => {
  const backing = Buffer.from(before + text + after);
  const view = backing.subarray(before.length, before.length + text.length);
  const source: ObjectSource = {
    description: 'views',
    async *list() {
      yield { key: 'v', size: view.length } satisfies ObjectRef;
    },
    async read() {
      return view;
    },
  };
  const d = await digester.digest([source]);
  expect(digestToString(d)).toBe(referenceDigest([{ name: 'v', text }]).text);
  expect(d.stats).toMatchObject({ records: 1, malformed: 0 });
  expect(backing.toString()).toBe(before + text + after);
});

it('digests a small pooled Buffer (Buffer.from) exactly', async () => {
  const source: ObjectSource = {
    description: 'pooled',
    async *list() {
      yield { key: 'p', size: Buffer.byteLength(text) };
    },
    async read() {
      return Buffer.from(text);
    },
  };
  const d = await digester.digest([source]);
  expect(d.stats).toMatchObject({ lines: 1, records: 1, malformed: 0, blank: 0 });
  expect(digestToString(d)).toBe(referenceDigest([{ name: 'p', text }]).text);
});
