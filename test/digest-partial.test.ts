// The binary partial: a digest written as a partial reads back to the same digest (rows, record
// counts, stats); merging partials equals digesting the union; a truncated, foreign-version or
// reordered partial fails naming the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import {
  createDigester,
  type Digest,
  Digest as DigestClass,
  digestToString,
  PartialFormatError,
  readDigest,
  writeDigest,
} from '../dist/index.js';
import { objectArb, sourceOf } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2, rangeRows: 4 });
afterAll(() => digester.close());

async function partialOf(d: Digest): Promise<Buffer> {
  const out = new PassThrough(),
    parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await writeDigest(d, out, 'partial');
  return Buffer.concat(parts);
}

/** `bytes` (a version 2 partial) as version 1 wrote it: the same, with 0 for each partition's checksum. */
function asVersion1(bytes: Buffer): Buffer {
  const v1 = Buffer.from(bytes);
  v1.writeUInt32LE(1, 8);
  let at = 16 + v1.readUInt32LE(12);
  while (v1.readUInt32LE(at) === 0x54524150) {
    const rows = v1.readUInt32LE(at + 4),
      keys = v1.readUInt32LE(at + 8);
    v1.writeUInt32LE(0, at + 12);
    at += 16 + ((rows * 7 * 8 + rows * 6 * 4 + keys + 7) & ~7);
  }
  return v1;
}

const readBack = (bytes: Buffer, name = 'p.fdp') => {
  const s = new PassThrough();
  s.end(bytes);
  return readDigest(s, name);
};

it('round trip: same NDJSON (record counts and stats included)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(objectArb, { minLength: 1, maxLength: 4 }), async (objects) => {
      const d = await digester.digest([sourceOf(objects)]);
      const back = await readBack(await partialOf(d));
      expect(digestToString(back, 'ndjson')).toBe(digestToString(d, 'ndjson'));
    }),
    { numRuns: 40 },
  );
});

it('merge of partials = digest of the union', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      async (a, b) => {
        const [da, db, both] = await Promise.all([
          digester.digest([sourceOf(a, 'a')]),
          digester.digest([sourceOf(b, 'b')]),
          digester.digest([sourceOf(a, 'a'), sourceOf(b, 'b')]),
        ]);
        const merged = DigestClass.merge(await readBack(await partialOf(da)), await readBack(await partialOf(db)));
        expect(digestToString(merged)).toBe(digestToString(both));
        expect(merged.stats.records).toBe(both.stats.records);
      },
    ),
    { numRuns: 30 },
  );
});

it('a truncated, other-version, reordered or foreign partial fails naming the file', async () => {
  const d = await digester.digest([
    sourceOf([
      {
        text: Array.from(
          { length: 20 },
          (_, i) => `2 1 eni-1 10.0.0.${i} 10.0.0.2 5 443 6 1 1 1000 1060 ACCEPT OK\n`,
        ).join(''),
        gzip: false,
        fields: [],
      },
    ]),
  ]);
  const good = await partialOf(d);
  const expectFailure = async (bytes: Buffer, text: string) => {
    const err = await readBack(bytes, 'bad.fdp').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialFormatError);
    expect((err as PartialFormatError).code).toBe('FD_ERR_PARTIAL');
    expect((err as Error).message).toContain('bad.fdp');
    expect((err as Error).message).toContain(text);
  };
  await expectFailure(good.subarray(0, good.length - 9), 'truncated');
  await expectFailure(good.subarray(0, 40), 'truncated');
  const v5 = Buffer.from(good);
  v5.writeUInt32LE(5, 8);
  await expectFailure(v5, 'version 5; this flowdigest reads versions 1, 2, 3 and 4');
  // Version 3 names its key in its stats: one that does not fails, not read as v2's.
  const v3 = Buffer.from(good);
  v3.writeUInt32LE(3, 8);
  await expectFailure(v3, 'its key is not a conversation key (it names no key)');
  // Swap the first two rows' key offsets: the rows are then out of canonical order.
  const statsLen = good.readUInt32LE(12),
    rows = good.readUInt32LE(16 + statsLen + 4);
  const ints = 16 + statsLen + 16 + rows * 7 * 8;
  const swapped = Buffer.from(good);
  swapped.writeInt32LE(good.readInt32LE(ints + 24), ints);
  swapped.writeInt32LE(good.readInt32LE(ints), ints + 24);
  await expectFailure(swapped, 'fails its checksum');
  // Without the checksum (a version 1 file), the order check still catches it.
  await expectFailure(asVersion1(swapped), 'canonical order');
  expect((await readBack(good)).size).toBe(20);
});

it('a keyed digest is a version 3 partial naming its key; it reads back under that key (v2 stays version 2)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.constantFrom('srcaddr,dstaddr', 'dstaddr srcaddr', '+srcaddr', undefined),
      async (objects, key) => {
        const d = await digester.digest([sourceOf(objects)], key === undefined ? {} : { key });
        const bytes = await partialOf(d);
        const keyed = key !== undefined && key !== '+srcaddr';
        expect(bytes.readUInt32LE(8)).toBe(keyed ? 3 : 2);
        const stats = JSON.parse(bytes.subarray(16, 16 + bytes.readUInt32LE(12)).toString('utf8'));
        expect(stats.key).toEqual(keyed ? d.key : undefined);
        const back = await readBack(bytes);
        expect(back.key).toEqual(d.key);
        expect(digestToString(back)).toBe(digestToString(d));
        expect(digestToString(back, 'ndjson')).toBe(digestToString(d, 'ndjson'));
        // Merged as sorted runs (as a cluster's merge job does), the key stays.
        const merged = DigestClass.mergeSorted([back, await readBack(bytes)]);
        expect(merged.key).toEqual(d.key);
      },
    ),
    { numRuns: 30 },
  );
});

it('a changed value of the same length fails the checksum, naming the file and partition; version 1 still reads', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      async (objects, pick, flip) => {
        const d = await digester.digest([sourceOf(objects)]);
        const good = await partialOf(d);
        const statsLen = good.readUInt32LE(12);
        const first = 16 + statsLen;
        const rows = good.readUInt32LE(first + 4),
          keys = good.readUInt32LE(first + 8);
        const body = rows * 7 * 8 + rows * 6 * 4 + keys;
        if (body === 0) return;
        // Any one byte of the first partition's columns or keys, changed in place.
        const bad = Buffer.from(good);
        bad[first + 16 + (pick % body)] ^= flip;
        const err = await readBack(bad, 'scan-3-r0.fdp').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PartialFormatError);
        expect((err as Error).message).toMatch(/^scan-3-r0\.fdp: .*partition 1 \(\d+ rows\) fails its checksum/);
        // The same digest written by version 1 (no checksums) reads back equal.
        const old = await readBack(asVersion1(good));
        expect(digestToString(old, 'ndjson')).toBe(digestToString(d, 'ndjson'));
      },
    ),
    { numRuns: 40 },
  );
});

it('CLI: digest -f partial, then merge partials to text', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.fdp'),
    b = join(dir, 'b.fdp.gz');
  expect((await runCli(['digest', 'fixtures/sample', '-f', 'partial', '-o', a, '-q'])).code).toBe(0);
  expect((await runCli(['digest', 'fixtures/sample', '-f', 'partial', '-o', b, '-q'])).code).toBe(0);
  const r = await runCli(['merge', a, b, '-f', 'ndjson', '-q']);
  expect(r.code).toBe(0);
  const golden = readFileSync('fixtures/golden/sample.digest.ndjson', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"account'));
  const doubled = golden.map((l) => JSON.parse(l) as { records: number; packets: number | null; bytes: number | null });
  const merged = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"account'))
    .map((l) => JSON.parse(l) as { records: number });
  expect(merged.map((m) => m.records)).toEqual(doubled.map((g) => g.records * 2));
  writeFileSync(join(dir, 'junk.fdp'), Buffer.concat([readFileSync(a).subarray(0, 30)]));
  const bad = await runCli(['merge', join(dir, 'junk.fdp')]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('junk.fdp');
});

it('Digest.mergeSorted of partials = Digest.merge = digest of the union (text and NDJSON)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(objectArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 5 }),
      async (groups, rangeRows) => {
        const parts = await Promise.all(
          groups.map(async (g, i) => readBack(await partialOf(await digester.digest([sourceOf(g, `g${i}-`)])))),
        );
        const union = await digester.digest(groups.map((g, i) => sourceOf(g, `g${i}-`)));
        const sorted = DigestClass.mergeSorted(parts, rangeRows);
        expect(digestToString(sorted)).toBe(digestToString(union));
        expect(sorted.size).toBe(union.size);
        expect(digestToString(sorted, 'ndjson').split('\n').slice(0, -2)).toEqual(
          digestToString(DigestClass.merge(...parts), 'ndjson')
            .split('\n')
            .slice(0, -2),
        );
      },
    ),
    { numRuns: 40 },
  );
});
