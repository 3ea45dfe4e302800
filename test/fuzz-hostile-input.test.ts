// Hostile input, generated: records with invalid UTF-8, NULs and odd whitespace, over-long lines,
// near-miss headers. Every path gives the same outcome: an object read whole, read as a stream
// in small blocks (stdin's path), read from a file, stored gzip, and scanned by the WebAssembly
// kernel or by JavaScript in any chunking. The outcome is the digest and every counter, or the
// same FormatError. (Time in input size is measured by bench/long-lines.ts, not asserted here.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, Digest, digestToString, emptyStats, FileSource, StreamSource } from '../dist/index.js';
import { DigestTable } from '../dist/table/table.js';
import { MAX_LINE_BYTES, Scanner } from '../dist/format/scanner.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { gzip, MemorySource, recordArb, V2_FIELDS, V2_HEADER } from './support/flowlog.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const dir = tempDir();
const kernel = WasmKernel.load();

const b = (s: string) => Buffer.from(s, 'latin1');
/** Bytes that break a record: invalid UTF-8, a NUL, whitespace other than one space. */
const poisonArb = fc.constantFrom(
  b('\xff'),
  b('\xc3'),
  b('\xed\xa0\x80'),
  b('\xf8\x88\x80\x80\x80'),
  b('\0'),
  b('\t'),
  b('  '),
  b('\r'),
  b('\v'),
  b('\f'),
  Buffer.from('\u00a0'),
  Buffer.from('é'),
  Buffer.from('\u{1f600}'),
);

/** A record line as bytes, sometimes with poison spliced into one of its fields. */
const recordLineArb = fc
  .tuple(recordArb, fc.option(fc.tuple(fc.nat(13), poisonArb, fc.boolean()), { freq: 2 }))
  .map(([r, poison]) => {
    const parts = V2_FIELDS.map((f) => Buffer.from(r[f]));
    if (poison !== null) {
      const [i, p, before] = poison;
      parts[i] = before ? Buffer.concat([p, parts[i]]) : Buffer.concat([parts[i], p]);
    }
    return Buffer.concat(parts.flatMap((x, i) => (i === 0 ? [x] : [b(' '), x])));
  });

/** A line longer than the limit, sometimes ending in something that looks like a record. */
const longLineArb = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.boolean())
  .map(([extra, tail]) =>
    Buffer.concat([
      Buffer.alloc(MAX_LINE_BYTES + extra, tail ? 'x' : 'A'),
      tail ? b(` ${'1 '.repeat(12)}OK`) : Buffer.alloc(0),
    ]),
  );

/** First lines that are almost headers (and a few that are). */
const headerArb = fc
  .constantFrom(
    V2_HEADER,
    `${V2_HEADER} `,
    V2_HEADER.replace('log-status', 'log-statuss'),
    V2_HEADER.replace('srcaddr', 'dstaddr'),
    'srcaddr dstaddr',
    'srcaddr srcaddr',
    'exported by splunk',
    'version srcaddr',
    V2_HEADER.toUpperCase(),
    V2_HEADER.replace(/ /g, '\t'),
    `${V2_HEADER.replace('srcaddr', 'srcaddr\xff')}`,
    'srcaddr dstaddr vpc-id tcp-flags',
  )
  .map(b);

const objectArb = fc
  .record({
    header: fc.option(headerArb, { freq: 2 }),
    lines: fc.array(
      fc.oneof(
        { weight: 20, arbitrary: recordLineArb },
        { weight: 1, arbitrary: longLineArb },
        { weight: 1, arbitrary: fc.constant(b('')) },
      ),
      { maxLength: 20 },
    ),
    crlf: fc.boolean(),
    trailingNewline: fc.boolean(),
  })
  .map(({ header, lines, crlf, trailingNewline }) => {
    const all = header === null ? lines : [header, ...lines];
    const eol = b(crlf ? '\r\n' : '\n');
    const body = Buffer.concat(all.flatMap((l, i) => (i === all.length - 1 && !trailingNewline ? [l] : [l, eol])));
    return body;
  });

type Outcome = { error: string } | { text: string; counters: Record<string, unknown> };

/** The digest and counters, with what differs by path alone (key names, stored bytes) left out. */
async function outcome(run: () => Promise<Digest>, key: string): Promise<Outcome> {
  try {
    const d = await run();
    const { storedBytes: _s, objects: _o, skippedObjects: _k, listingSkipped: _l, samples, ...counters } = d.stats;
    return {
      text: digestToString(d),
      counters: { ...counters, samples: samples.map((m) => `${m.key === key ? 'KEY' : m.key}:${m.line}:${m.reason}`) },
    };
  } catch (err) {
    return { error: (err as Error).message.split(key).join('KEY') };
  }
}

function scan(body: Buffer, chunk: number, useKernel: boolean): Outcome {
  try {
    const table = new DigestTable(16);
    const s = new Scanner(table, {
      key: 'KEY',
      strict: false,
      maxSamples: 20,
      filter: {},
      kernel: useKernel ? kernel : null,
    });
    for (let o = 0; o < body.length; o += chunk) s.push(body.subarray(o, o + chunk));
    s.end();
    const { samples, ...counters } = s.counters;
    return {
      text: digestToString(new Digest(table, { ...emptyStats(), ...s.counters })),
      counters: { ...counters, samples: samples.map((m) => `${m.line}:${m.reason}`) },
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

it('the kernel and JavaScript agree on hostile objects, however chunked', () => {
  expect(kernel).not.toBeNull();
  fc.assert(
    fc.property(objectArb, fc.integer({ min: 1, max: 5000 }), (body, chunk) => {
      const want = scan(body, body.length + 1, false);
      expect(scan(body, chunk, true)).toEqual(want);
      expect(scan(body, chunk, false)).toEqual(want);
      expect(scan(body, body.length + 1, true)).toEqual(want);
    }),
    { numRuns: 60 },
  );
});

let n = 0;
it('whole, streamed (stdin), file and gzip inputs give the same digest and counters', async () => {
  await fc.assert(
    fc.asyncProperty(objectArb, fc.integer({ min: 64, max: 4096 }), async (body, blockBytes) => {
      const key = `obj${n++}`;
      const file = join(dir, `${key}.log`);
      writeFileSync(file, body);
      writeFileSync(`${file}.gz`, gzip(body));
      const chunks = (bytes: Buffer) =>
        Array.from({ length: Math.ceil(bytes.length / 977) }, (_, i) => bytes.subarray(i * 977, (i + 1) * 977));
      const want = await outcome(() => digester.digest([new MemorySource([{ key, body }])]), key);
      const got = await Promise.all([
        outcome(() => digester.digest([new StreamSource(Readable.from(chunks(body)), key, blockBytes)]), key),
        outcome(() => digester.digest([new StreamSource(Readable.from(chunks(gzip(body))), key, blockBytes)]), key),
        outcome(() => digester.digest([new MemorySource([{ key, body: gzip(body) }])]), key),
        outcome(() => digester.digest([new FileSource(file)]), file),
        outcome(() => digester.digest([new FileSource(`${file}.gz`)]), `${file}.gz`),
        outcome(() => digester.digest([new FileSource(file, { plainStreamAbove: 0, blockBytes })]), file),
      ]);
      for (const g of got) expect(g).toEqual(want);
    }),
    { numRuns: 25 },
  );
});
