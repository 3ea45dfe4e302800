// The kernel scans an object under any key the user chooses (`--key`: its string fields by column,
// in key order, `-` for a field the format lacks; the ports and protocol it names, -1 for those it
// does not), giving the JavaScript scanner's digest, counters and malformed samples (file:line)
// however the object is chunked, with or without a header, its fields in any order.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseKeySpec } from '../dist/format/key.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { junkArb, recordArb, V2_FIELDS } from './support/flowlog.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load()!;

const EXTRA = ['flow-direction', 'tcp-flags', 'pkt-srcaddr', 'vpc-id'] as const;
const extraArb = fc.record({
  'flow-direction': fc.constantFrom('ingress', 'egress', '-'),
  'tcp-flags': fc.constantFrom('0', '2', '18', '19', '-'),
  'pkt-srcaddr': fc.constantFrom('10.0.0.1', '10.0.9.9', '2600:1f18::7', '-'),
  'vpc-id': fc.constantFrom('vpc-1', 'vpc-2'),
});

/** An object of v2 fields and some extras, in any order (no header: the v2 order), junk mixed in. */
const objectArb = fc
  .record({
    fields: fc.oneof(
      fc.constant(null),
      fc
        .shuffledSubarray([...EXTRA])
        .chain((extra) =>
          fc.shuffledSubarray([...V2_FIELDS, ...extra], { minLength: V2_FIELDS.length + extra.length }),
        ),
    ),
    items: fc.array(
      fc.oneof({ weight: 9, arbitrary: fc.tuple(recordArb, extraArb) }, { weight: 1, arbitrary: junkArb }),
      {
        maxLength: 40,
      },
    ),
  })
  .map(({ fields, items }) => {
    const order = fields ?? V2_FIELDS;
    const lines = items.map((it) => {
      if (typeof it === 'string') return it;
      const values: Record<string, string> = { ...it[0], ...it[1] };
      return order.map((f) => values[f] ?? '-').join(' ');
    });
    if (fields !== null) lines.unshift(fields.join(' '));
    return `${lines.join('\n')}\n`;
  });

/** A key: both addresses and some other fields, in any order; or `+` some extras after v2's. */
const OTHERS = ['account-id', 'interface-id', 'srcport', 'dstport', 'protocol', 'action', ...EXTRA];
const keyArb = fc.oneof(
  fc
    .shuffledSubarray(OTHERS, { maxLength: 6 })
    .chain((f) => fc.shuffledSubarray(['srcaddr', 'dstaddr', ...f], { minLength: f.length + 2 }))
    .map((f) => f.join(' ')),
  fc.shuffledSubarray([...EXTRA], { minLength: 1 }).map((f) => `+${f.join(',')}`),
);

it('kernel and JavaScript agree on any key, object and chunking', () => {
  fc.assert(
    fc.property(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      keyArb,
      fc.integer({ min: 1, max: 400 }),
      (objects, key, chunk) => {
        const text = objects.join('');
        const spec = parseKeySpec(key);
        // A key naming a field the object's format lacks fails the object, the same way.
        expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k, {}, spec));
      },
    ),
    { numRuns: 300 },
  );
});

it('the kernel, not JavaScript, scans a keyed object', () => {
  const header = [...V2_FIELDS, 'flow-direction'].join(' ');
  const lines = Array.from(
    { length: 3000 },
    (_, i) =>
      `2 123456789012 eni-1 10.0.${i % 251}.1 10.1.0.2 ${40000 + (i % 7)} 443 6 1 40 100 160 ACCEPT OK ${i % 2 ? 'ingress' : 'egress'}`,
  );
  const text = `${header}\n${lines.join('\n')}\n`;
  const spec = parseKeySpec('+flow-direction');
  const js = scanInChunks(text, 1 << 16, null, {}, spec);
  expect(scanInChunks(text, 1 << 16, kernel, {}, spec)).toEqual(js);
  // 251 sources × 2 directions: the kernel's own table holds the rows past the header's window.
  expect(js.text.split('\n').length - 2).toBe(502);
  expect(kernel.table().size).toBeGreaterThan(400);
});
