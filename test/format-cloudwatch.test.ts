// CloudWatch Logs deliveries, told by content: gzip'd subscription payloads (several concatenated
// in one Firehose object, control messages skipped) and NDJSON lines with a `message` field.
// Each message is one record in the `fields` format (v2 by default); equal to the reference
// digest of the messages as lines. Bad JSON is malformed at its file:line, never a crash.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, FIELD_PRESETS, FileSource, StreamSource } from '../dist/index.js';
import { gzip, lines, memory, recordArb, V2_FIELDS } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const dir = tempDir();

function subscription(messages: string[], i = 0): string {
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: 'vpc-flow-logs',
    logStream: `eni-${i}-all`,
    subscriptionFilters: ['to-firehose'],
    logEvents: messages.map((message, k) => ({ id: `${i}${k}`, timestamp: 1_700_000_000_000 + k, message })),
  });
}
const CONTROL = JSON.stringify({
  messageType: 'CONTROL_MESSAGE',
  owner: 'CloudwatchLogs',
  logGroup: '',
  logStream: '',
  subscriptionFilters: [],
  logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
});

const docsArb = (fields: readonly string[]) =>
  fc.array(
    fc.array(
      recordArb.map((r) => fields.map((f) => r[f] ?? '-').join(' ')),
      { minLength: 1, maxLength: 12 },
    ),
    { minLength: 1, maxLength: 4 },
  );

it('Firehose objects of gzip members, each a subscription payload, equal the reference of their messages', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('v2', 'v5', 'tgw'),
      fc.boolean(),
      docsArb(V2_FIELDS),
      async (preset, control, docs0) => {
        const fields = FIELD_PRESETS[preset];
        // The same records, written in the preset's order.
        const docs = docs0.map((d) =>
          d.map((line) => {
            const v = Object.fromEntries(V2_FIELDS.map((f, i) => [f, line.split(' ')[i]]));
            return fields.map((f) => v[f] ?? '-').join(' ');
          }),
        );
        const payloads = docs.map((d, i) => gzip(subscription(d, i)));
        if (control) payloads.splice(1, 0, gzip(CONTROL));
        const body = Buffer.concat(payloads);
        const options = preset === 'v2' ? {} : { fields: preset };
        const d = await digester.digest([memory(body as unknown as string)], options);
        const ref = referenceDigest([{ name: 'o0', text: lines(...docs.flat()) }], { fields });
        expect(digestToString(d)).toBe(ref.text);
        expect(d.stats).toMatchObject({ ...ref.stats, lines: ref.stats.lines, headers: 0 });
      },
    ),
    { numRuns: 30 },
  );
});

it('NDJSON lines with a message field, and documents concatenated without a separator', async () => {
  await fc.assert(
    fc.asyncProperty(docsArb(V2_FIELDS), fc.constantFrom('\n', '', '\r\n'), async (docs, sep) => {
      const msgs = docs.flat();
      const ndjson = msgs.map((m, i) => JSON.stringify({ timestamp: i, message: m })).join(sep);
      const d = await digester.digest([memory(ndjson)]);
      const ref = referenceDigest([{ name: 'o0', text: lines(...msgs) }]);
      expect(digestToString(d)).toBe(ref.text);
      expect(d.stats).toMatchObject({ digested: ref.stats.digested, malformed: ref.stats.malformed });
    }),
    { numRuns: 30 },
  );
});

it('bad JSON is malformed at its file:line: invalid, cut short, not an object, no message', async () => {
  const good = JSON.stringify({ message: '2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK' });
  const text = [
    good,
    '{"message": "2 1 eni-1 10.0.0.1", oops}',
    good,
    '{"timestamp": 5}',
    subscription(['2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK', 'short line']),
    '2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK',
    '{"message": "2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT',
  ].join('\n');
  const file = join(dir, 'bad-firehose-object');
  writeFileSync(file, text);
  const d = await digester.digest([new FileSource(file)]);
  expect(d.stats).toMatchObject({ digested: 3, malformed: 5 });
  expect(d.stats.samples.map((s) => `${s.line}: ${s.reason}`)).toEqual([
    expect.stringMatching(/^2: not valid JSON: /),
    "4: no string 'message' in the JSON document",
    "5: log event 2: expected 14 fields, found 2; no header line: pass --fields with the flow log's format",
    '6: not a JSON document (CloudWatch Logs delivery)',
    '7: JSON document cut short (the object ends inside it)',
  ]);
  expect(d.stats.samples[0].key).toBe(file);
});

it('a subscription payload cut mid-document (gzip intact) is one malformed record; --strict fails naming file:line', async () => {
  const doc = subscription(['2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK']);
  const file = join(dir, 'cut');
  writeFileSync(file, Buffer.concat([gzip(doc), gzip(doc.slice(0, 40))]));
  const r = await runCli(['digest', file]);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`malformed ${file}:1: JSON document cut short`);
  const strict = await runCli(['digest', file, '--strict']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toContain(`${file}:1: JSON document cut short`);
});

it('NDJSON through stdin, cut into blocks, keeps file:line', async () => {
  const msgs = Array.from({ length: 300 }, (_, i) =>
    JSON.stringify({ message: `2 1 eni-1 10.0.0.${i % 9} 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK` }),
  );
  msgs[250] = '{"message": 1}';
  const text = lines(...msgs);
  const d = await digester.digest([new StreamSource(Readable.from([Buffer.from(text)]), '-', 4000)]);
  expect(d.stats).toMatchObject({ digested: 299, malformed: 1 });
  expect(d.stats.samples[0]).toMatchObject({ key: '-', line: 251 });
});
