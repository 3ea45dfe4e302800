/** Helpers to build flow-log lines, objects, files and gzip bodies in tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { ListContext, ObjectRef, ObjectSource } from '../../dist/index.js';

export const V2_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;
export const V2_HEADER = V2_FIELDS.join(' ');

export type Field = (typeof V2_FIELDS)[number] | string;
export type Rec = Partial<Record<Field, string | number | bigint>>;

/** Defaults of {@link rec}: one plain TCP record. */
export const DEFAULTS: Record<(typeof V2_FIELDS)[number], string> = {
  version: '2',
  'account-id': '111122223333',
  'interface-id': 'eni-1',
  srcaddr: '10.0.0.1',
  dstaddr: '10.0.0.2',
  srcport: '50000',
  dstport: '443',
  protocol: '6',
  packets: '1',
  bytes: '100',
  start: '1000',
  end: '1060',
  action: 'ACCEPT',
  'log-status': 'OK',
};

/** One record line in `fields` order (default v2), with defaults for the fields not given. */
export function rec(values: Rec = {}, fields: readonly string[] = V2_FIELDS): string {
  return fields.map((f) => String(values[f] ?? (DEFAULTS as Record<string, string>)[f] ?? '-')).join(' ');
}

/** Lines joined with `\n`, each terminated. */
export function lines(...ls: string[]): string {
  return ls.map((l) => `${l}\n`).join('');
}

export function gzip(text: string | Buffer): Buffer {
  return gzipSync(typeof text === 'string' ? Buffer.from(text) : text);
}

/** A gzip body cut short: valid magic bytes, missing the end of the stream. */
export function truncatedGzip(text: string): Buffer {
  const full = gzip(text);
  return full.subarray(0, Math.floor(full.length / 2));
}

/** Write files (creating directories); returns their absolute paths in the same order. */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): string[] {
  return Object.entries(files).map(([name, body]) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    return path;
  });
}

export interface MemoryObject {
  key: string;
  body: string | Buffer;
  account?: string;
  region?: string;
}

/** An ObjectSource over in-memory objects: no files, no listing skips. */
export class MemorySource implements ObjectSource {
  readonly description = 'memory';
  constructor(private readonly objects: readonly MemoryObject[]) {}

  async *list(_ctx: ListContext): AsyncIterable<ObjectRef> {
    for (const o of this.objects) {
      const ref: ObjectRef = { key: o.key, size: Buffer.byteLength(o.body) };
      if (o.account !== undefined) ref.account = o.account;
      if (o.region !== undefined) ref.region = o.region;
      yield ref;
    }
  }

  async read(ref: ObjectRef): Promise<Uint8Array> {
    const o = this.objects.find((x) => x.key === ref.key)!;
    // A fresh array that owns its whole ArrayBuffer (the engine transfers it to a worker).
    // Views into a larger buffer (e.g. pooled Buffers) are the subject of their own test.
    return new Uint8Array(Buffer.from(o.body));
  }
}

/** One in-memory source per text, named o0, o1, ... */
export function memory(...texts: string[]): MemorySource {
  return new MemorySource(texts.map((body, i) => ({ key: `o${i}`, body })));
}

/** The data lines (no header, no trailing empty string) of a text digest. */
export function bodyLines(text: string): string[] {
  const ls = text.split('\n');
  expectHeader(ls[0]);
  return ls.slice(1, -1);
}

function expectHeader(first: string): void {
  if (first !== V2_HEADER) throw new Error(`not a text digest: first line is '${first}'`);
}

// ---------------------------------------------------------------------------------------------
// fast-check arbitraries: small domains so keys collide, plus every awkward value the format has.

/** A count: mostly small, sometimes 16-20 digits (beyond 2^53), sometimes `-`. */
export const countArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 5000 }).map(String) },
  { weight: 2, arbitrary: fc.bigInt({ min: 10n ** 15n, max: 2n ** 64n }).map(String) },
  { weight: 1, arbitrary: fc.constant('-') },
);

const timeArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1000, max: 1100 }).map(String) },
  { weight: 1, arbitrary: fc.constant('-') },
);

/** One record as field → value (v2 fields plus a few v3-v5 ones). */
export const recordArb: fc.Arbitrary<Record<string, string>> = fc.record({
  version: fc.constant('2'),
  'account-id': fc.constantFrom('111122223333', '444455556666', 'unknown', '-'),
  'interface-id': fc.constantFrom('eni-1', 'eni-2'),
  srcaddr: fc.constantFrom('10.0.0.1', '2600:1f18::1', '-'),
  dstaddr: fc.constantFrom('10.0.0.2', '2600:1f18::2'),
  srcport: fc.constantFrom('0', '22', '443', '8080', '50000', '65535', '65536', '-'),
  dstport: fc.constantFrom('0', '443', '8080', '61000', '-'),
  protocol: fc.constantFrom('1', '6', '17', '255', '256', '-'),
  packets: countArb,
  bytes: countArb,
  start: timeArb,
  end: timeArb,
  action: fc.constantFrom('ACCEPT', 'REJECT', '-'),
  'log-status': fc.constantFrom('OK', 'OK', 'OK', 'OK', 'NODATA', 'SKIPDATA'),
  'vpc-id': fc.constantFrom('vpc-1', 'vpc-2'),
  'tcp-flags': fc.constantFrom('0', '2', '19'),
  region: fc.constantFrom('us-east-1', 'eu-west-1'),
  'flow-direction': fc.constantFrom('ingress', 'egress'),
});

/** Lines that are not valid records. */
export const junkArb: fc.Arbitrary<string> = fc.constantFrom(
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT', // one field short
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 44x 50000 6 1 100 1000 1060 ACCEPT OK', // port not an integer
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 12x 1000 1060 ACCEPT OK', // bytes not an integer
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 -1 50000 6 1 100 1000 1060 ACCEPT OK', // negative port
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT ok', // unknown status
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060  ACCEPT OK', // double space
  '', // blank
);

/** A field order: the v2 default, or a shuffled custom format with extra v3-v5 fields. */
export const layoutArb: fc.Arbitrary<readonly string[] | null> = fc.oneof(
  fc.constant(null), // no header: v2 order
  fc.constant([...V2_FIELDS]),
  fc
    .shuffledSubarray(['vpc-id', 'tcp-flags', 'region', 'flow-direction'])
    .chain((extra) => fc.shuffledSubarray([...V2_FIELDS, ...extra], { minLength: V2_FIELDS.length + extra.length })),
  // Some fields left out entirely (absent → `-`); a header always names srcaddr and dstaddr.
  fc
    .shuffledSubarray(
      V2_FIELDS.filter((f) => f !== 'srcaddr' && f !== 'dstaddr'),
      { minLength: 2 },
    )
    .chain((rest) => fc.shuffledSubarray([...rest, 'srcaddr', 'dstaddr'], { minLength: rest.length + 2 })),
);

/** A generated object: its text, whether it is stored gzip, and its field order. */
export interface ObjectSpec {
  text: string;
  gzip: boolean;
  fields: readonly string[];
}

/** One object: optional header, records in its order, junk lines mixed in. */
export const objectArb: fc.Arbitrary<ObjectSpec> = fc
  .record({
    layout: layoutArb,
    items: fc.array(
      fc.oneof(
        { weight: 9, arbitrary: recordArb.map((r) => ({ r })) },
        { weight: 1, arbitrary: junkArb.map((j) => ({ j })) },
      ),
      { maxLength: 25 },
    ),
    gzip: fc.boolean(),
    crlf: fc.boolean(),
    trailingNewline: fc.boolean(),
  })
  .map(({ layout, items, gzip, crlf, trailingNewline }) => {
    const fields = layout ?? V2_FIELDS;
    const ls = items.map((it) => ('r' in it ? fields.map((f) => it.r[f] ?? '-').join(' ') : it.j));
    if (layout !== null) ls.unshift(layout.join(' '));
    const eol = crlf ? '\r\n' : '\n';
    let text = ls.join(eol);
    if (trailingNewline && ls.length > 0) text += eol;
    return { text, gzip, fields };
  });

/** The objects as an in-memory source (gzip where the spec says so). */
export function sourceOf(objects: readonly ObjectSpec[], prefix = 'o'): MemorySource {
  return new MemorySource(objects.map((o, i) => ({ key: `${prefix}${i}`, body: o.gzip ? gzip(o.text) : o.text })));
}

/** The objects as reference-digest inputs. */
export function refInputs(objects: readonly ObjectSpec[], prefix = 'o'): { name: string; text: string }[] {
  return objects.map((o, i) => ({ name: `${prefix}${i}`, text: o.text }));
}
