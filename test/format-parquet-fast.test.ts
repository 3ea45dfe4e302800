// The column-wise Parquet decoder against hyparquet: over random records (nulls, dictionary and
// plain columns, several pages and row groups, version 1 and 2 pages, GZIP, SNAPPY or no codec,
// int64 past 2^53, negative ints) both give the scanner the same bytes, so every digest of them
// is the same; what the decoder does not read (DELTA encodings, non-ASCII strings) goes to
// hyparquet, column by column. Broken pages (truncated, an index past the dictionary, a column
// with fewer rows) are corrupt objects naming the object, the row group and the column.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parquetMetadata } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { afterAll, expect, it } from 'vitest';
import { CorruptObjectError, createDigester, digestToString } from '../dist/index.js';
import { openParquet, type ParquetReadOptions } from '../dist/format/parquet.js';
import { type ParquetEncoding, textToParquet, toPagesV1 } from '../fixtures/lib/parquet.js';
import { PARQUET_LINES_WASM_SOURCE } from '../src/format/wasm/parquet-lines-wasm.js';
import { lines, MemorySource, V2_FIELDS } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

const INT64 = 2n ** 63n;
const int64Arb = fc.oneof(
  fc.integer({ min: 0, max: 5000 }).map(String),
  fc.bigInt({ min: 2n ** 53n - 2n, max: INT64 - 1n }).map(String),
  fc.bigInt({ min: -INT64, max: -1n }).map(String),
  fc.constant('-'),
);
const recordArb = fc.record({
  version: fc.constantFrom('2', '5', '-'),
  'account-id': fc.constantFrom('111122223333', '444455556666', 'unknown', '-'),
  'interface-id': fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: 0, max: 30 }).map((i) => `eni-${i}`) },
    { weight: 1, arbitrary: fc.constantFrom('-', 'eni-ü') },
  ),
  srcaddr: fc.oneof(fc.ipV4(), fc.constantFrom('2600:1f18::1', '-')),
  dstaddr: fc.constantFrom('10.0.0.2', '2600:1f18::2', '10.0.0.3'),
  srcport: fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), fc.constantFrom('-', '-7', '-2147483648')),
  dstport: fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), fc.constantFrom('-', '2147483647')),
  protocol: fc.oneof(fc.constantFrom('1', '6', '17', '-'), int64Arb),
  packets: int64Arb,
  bytes: int64Arb,
  start: fc.integer({ min: 1000, max: 1050 }).map(String),
  end: fc.oneof(fc.integer({ min: 1050, max: 1100 }).map(String), fc.constant('-')),
  action: fc.constantFrom('ACCEPT', 'REJECT', '-'),
  'log-status': fc.constantFrom('OK', 'OK', 'OK', 'NODATA', 'SKIPDATA', '-'),
  'vpc-id': fc.constantFrom('vpc-1', 'vpc-22', '-'),
  'tcp-flags': fc.constantFrom('0', '2', '19', '-'),
});
const FIELDS = [...V2_FIELDS, 'vpc-id', 'tcp-flags'];
const STRINGS = new Set(['account-id', 'interface-id', 'srcaddr', 'dstaddr', 'action', 'log-status', 'vpc-id']);
const encodingArb = (f: string): fc.Arbitrary<ParquetEncoding | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<ParquetEncoding | undefined>('PLAIN', 'RLE_DICTIONARY', undefined) },
    { weight: 1, arbitrary: fc.constant<ParquetEncoding>(STRINGS.has(f) ? 'DELTA_BYTE_ARRAY' : 'DELTA_BINARY_PACKED') },
  );
const objectArb = fc.record({
  recs: fc.array(recordArb, { minLength: 1, maxLength: 60 }),
  rowGroupSize: fc.integer({ min: 1, max: 40 }),
  pageSize: fc.constantFrom(16, 64, 256, 1 << 20),
  encodings: fc.record(
    Object.fromEntries(FIELDS.map((f) => [f, encodingArb(f)])) as Record<
      string,
      fc.Arbitrary<ParquetEncoding | undefined>
    >,
  ),
  codec: fc.constantFrom<'GZIP' | 'SNAPPY' | 'UNCOMPRESSED'>('GZIP', 'SNAPPY', 'UNCOMPRESSED'),
  pages: fc.constantFrom<'v2' | 'v1' | 'v1-plain-dictionary'>('v2', 'v1', 'v1-plain-dictionary'),
});

/** The lines the scanner is given for `bytes`, and how many column chunks each decoder read. */
async function scanned(
  bytes: Uint8Array,
  decoder: ParquetReadOptions['decoder'],
  engine?: ParquetReadOptions['engine'],
) {
  const o = openParquet(bytes, 'x.parquet', ['vpc-id', 'tcp-flags', 'version'], { decoder, engine });
  const parts: Buffer[] = [];
  await o.scan((l) => parts.push(Buffer.from(l)));
  return { text: Buffer.concat(parts).toString('latin1'), decoded: { ...o.decoded }, fields: o.fields };
}

it('the fast decoder (in WebAssembly or JavaScript) gives the scanner the same bytes as hyparquet, and the digest equals the reference', async () => {
  await fc.assert(
    fc.asyncProperty(objectArb, async (o) => {
      const text = lines(
        FIELDS.join(' '),
        ...o.recs.map((r) => FIELDS.map((f) => (r as Record<string, string>)[f]).join(' ')),
      );
      let pq = textToParquet(text, {
        rowGroupSize: o.rowGroupSize,
        pageSize: o.pageSize,
        encodings: o.encodings,
        codec: o.codec,
      });
      if (o.pages !== 'v2' && o.codec !== 'SNAPPY') pq = toPagesV1(pq, o.pages === 'v1-plain-dictionary');
      const fast = await scanned(pq, 'fast', 'wasm');
      const slow = await scanned(pq, 'hyparquet');
      expect(fast.text).toBe(slow.text);
      // The decoder in JavaScript gives the same bytes as in WebAssembly.
      expect((await scanned(pq, 'fast', 'js')).text).toBe(fast.text);
      const groups = parquetMetadata(pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) as ArrayBuffer)
        .row_groups.length;
      expect(slow.decoded).toEqual({ fast: 0, hyparquet: groups * slow.fields.length });
      // Only what the decoder does not read goes to hyparquet.
      const delta = fast.fields.some((f) => o.encodings[f]?.startsWith('DELTA'));
      const nonAscii = o.recs.some((r) => r['interface-id'] === 'eni-ü');
      if (!delta && !nonAscii) expect(fast.decoded).toEqual({ fast: groups * fast.fields.length, hyparquet: 0 });
      if (delta) expect(fast.decoded.hyparquet).toBeGreaterThan(0);
      expect(fast.decoded.fast + fast.decoded.hyparquet).toBe(groups * fast.fields.length);
      // The digest of the delivery (fast decoder) equals the reference digest of its text.
      const d = await digester.digest([new MemorySource([{ key: 'x.parquet', body: Buffer.from(pq) }])]);
      expect(digestToString(d)).toBe(referenceDigest([{ name: 'x', text }]).text);
    }),
    { numRuns: 60 },
  );
});

const ROWS = lines(
  V2_FIELDS.join(' '),
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 3 300 1000 1060 ACCEPT OK',
  '2 111122223333 eni-1 10.0.0.1 10.0.0.3 443 50001 6 4 400 1000 1060 REJECT OK',
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50002 6 5 500 1000 1060 ACCEPT OK',
);

/** The first page of column `name` in row group 0 of `pq` (its dictionary page passed over), with its header. */
function dataPage(pq: Uint8Array, name: string) {
  const meta = parquetMetadata(pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) as ArrayBuffer);
  const m = meta.row_groups[0].columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data;
  if (m === undefined) throw new Error(`no column ${name}`);
  const view = new DataView(pq.buffer, pq.byteOffset, pq.byteLength);
  let at = Number(m.dictionary_page_offset ?? m.data_page_offset);
  for (;;) {
    const reader = { view, offset: at };
    const header = parquetHeader(reader);
    if (header.type !== 'DICTIONARY_PAGE') return { at, body: reader.offset, header };
    at = reader.offset + header.compressed_page_size;
  }
}

/** Rewrite a page header in place (`change` must keep its length: small varints). */
function rewriteHeader(pq: Uint8Array, page: ReturnType<typeof dataPage>, change: (h: typeof page.header) => void) {
  const encode = (h: typeof page.header) => {
    const w = new ByteWriter();
    writePageHeader(w, h as Parameters<typeof writePageHeader>[1]);
    return w.getBytes();
  };
  // The writer's header round-trips to the same bytes, so the change alone differs.
  expect(Buffer.from(encode(page.header))).toEqual(Buffer.from(pq.subarray(page.at, page.body)));
  const h = structuredClone(page.header);
  change(h);
  const bytes = encode(h);
  expect(bytes.length).toBe(page.body - page.at);
  pq.set(bytes, page.at);
}

async function corrupt(pq: Uint8Array, key: string): Promise<Error> {
  const err = await digester.digest([new MemorySource([{ key, body: Buffer.from(pq) }])]).catch((e) => e);
  expect(err).toBeInstanceOf(CorruptObjectError);
  // Skippable like any corrupt object.
  const skipped = await digester.digest([new MemorySource([{ key, body: Buffer.from(pq) }])], {
    skipBadObjects: true,
  });
  expect(skipped.stats.skippedObjects).toHaveLength(1);
  // The decoder in JavaScript says the same.
  const js = await openParquet(pq, key, [], { engine: 'js' })
    .scan(() => {})
    .catch((e) => e);
  expect(js).toBeInstanceOf(CorruptObjectError);
  expect((js as Error).message).toBe((err as Error).message);
  return err as Error;
}

it('a dictionary index past the dictionary is a corrupt object naming the object, row group and column', async () => {
  const pq = textToParquet(ROWS, { codec: 'UNCOMPRESSED', encodings: { action: 'RLE_DICTIONARY' } });
  const page = dataPage(pq, 'action');
  const values = page.body + (page.header.data_page_header_v2?.definition_levels_byte_length ?? 0);
  const end = page.body + page.header.compressed_page_size;
  expect(end - values).toBeGreaterThanOrEqual(3);
  // Bit width 8, one RLE run: 3 values of 255 (the dictionary holds ACCEPT and REJECT).
  pq.set([8, 3 << 1, 255], values);
  const err = await corrupt(pq, 'dict.log.parquet');
  expect(err.message).toBe(
    "dict.log.parquet: corrupt object: Parquet row group 0, column 'action': dictionary index 255 out of range (the dictionary holds 2)",
  );
});

it('a truncated page is a corrupt object naming the object, row group and column', async () => {
  // Uncompressed: the page claims 3 int64 values and holds 2 of them.
  const plain = textToParquet(ROWS, { codec: 'UNCOMPRESSED', encodings: { bytes: 'PLAIN' } });
  rewriteHeader(plain, dataPage(plain, 'bytes'), (h) => {
    h.compressed_page_size -= 8;
    h.uncompressed_page_size -= 8;
  });
  expect((await corrupt(plain, 'cut.log.parquet')).message).toBe(
    "cut.log.parquet: corrupt object: Parquet row group 0, column 'bytes': truncated page (3 INT64 values need 24 bytes, 16 left)",
  );
  // GZIP: the page's compressed bytes end early.
  const gz = textToParquet(ROWS, { encodings: { srcport: 'PLAIN' } });
  rewriteHeader(gz, dataPage(gz, 'srcport'), (h) => {
    h.compressed_page_size -= 6;
  });
  expect((await corrupt(gz, 'gz.log.parquet')).message).toMatch(
    /^gz\.log\.parquet: corrupt object: Parquet row group 0, column 'srcport': page does not decompress \(.+\)$/,
  );
});

it('a column with fewer rows than its row group is a corrupt object, not silent loss', async () => {
  const pq = textToParquet(ROWS, { codec: 'UNCOMPRESSED', encodings: { dstport: 'PLAIN' } });
  rewriteHeader(pq, dataPage(pq, 'dstport'), (h) => {
    const v2 = h.data_page_header_v2;
    if (v2 === undefined) throw new Error('expected a version 2 page');
    v2.num_values = 2;
    v2.num_rows = 2;
  });
  expect((await corrupt(pq, 'few.log.parquet')).message).toBe(
    "few.log.parquet: corrupt object: Parquet row group 0, column 'dstport': 1 of 3 rows missing (the column's pages end early)",
  );
});

it('parquet-lines-wasm.ts was built from the committed parquet-lines.c', () => {
  const sha = createHash('sha256')
    .update(readFileSync(new URL('../src/format/wasm/parquet-lines.c', import.meta.url)))
    .digest('hex');
  expect(sha, 'run npm run build:wasm after editing parquet-lines.c').toBe(PARQUET_LINES_WASM_SOURCE);
});

it('a row group larger than one piece of lines (16384 rows) reads the same in WebAssembly, JavaScript and hyparquet', async () => {
  const recs = fc.sample(recordArb, { numRuns: 40_000, seed: 19 });
  const text = lines(
    FIELDS.join(' '),
    ...recs.map((r) => FIELDS.map((f) => (r as Record<string, string>)[f]).join(' ')),
  );
  const pq = textToParquet(text, { rowGroupSize: 40_000 });
  const fast = await scanned(pq, 'fast', 'wasm');
  expect(fast.decoded.fast).toBeGreaterThan(0);
  expect(fast.text.split('\n')).toHaveLength(40_001);
  expect((await scanned(pq, 'fast', 'js')).text).toBe(fast.text);
  expect((await scanned(pq, 'hyparquet')).text).toBe(fast.text);
});
