// Objects without a header line (CloudWatch Logs, Firehose, exports) are read in the format
// `fields` names: a preset, a list, or AWS's LogFormat string. Without it, a line of the wrong
// field count stays malformed and says how to name its format.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import {
  createDigester,
  digestToString,
  FIELD_PRESETS,
  InvalidOptionError,
  parseFieldList,
  V2_FIELDS,
} from '../dist/index.js';
import { gzip, lines, memory, recordArb } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const dir = tempDir();

// AWS's field table, version by version (written out here, not taken from the code under test).
const V5 = [
  ...V2_FIELDS,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
];
const LOG_FORMAT = V5.map((f) => `\${${f}}`).join(' ');

it('presets have the field counts of AWS default orders', () => {
  expect(Object.fromEntries(Object.entries(FIELD_PRESETS).map(([k, v]) => [k, v.length]))).toEqual({
    v2: 14,
    v3: 21,
    v4: 25,
    v5: 29,
    v7: 39,
    v8: 40,
    tgw: 36,
  });
  expect(FIELD_PRESETS.v5).toEqual(V5);
  expect(FIELD_PRESETS.tgw).not.toContain('action');
  expect(FIELD_PRESETS.tgw).not.toContain('interface-id');
});

it('a LogFormat string, a comma list, a space list and a preset name give the same fields', () => {
  expect(parseFieldList(LOG_FORMAT)).toEqual(V5);
  expect(parseFieldList(V5.join(','))).toEqual(V5);
  expect(parseFieldList(` ${V5.join('  ')}\n`)).toEqual(V5);
  expect(parseFieldList('v5')).toEqual(V5);
  expect(() => parseFieldList('srcaddr dstadr')).toThrow(InvalidOptionError);
  expect(() => parseFieldList('srcaddr dstadr')).toThrow("unknown field 'dstadr' (did you mean dstaddr?)");
  expect(() => parseFieldList('srcaddr srcaddr dstaddr')).toThrow("names the field 'srcaddr' twice");
  expect(() => parseFieldList('version packets')).toThrow("lacks 'srcaddr' and 'dstaddr'");
  expect(() => parseFieldList('')).toThrow('is empty');
});

const presetArb = fc.constantFrom('v2', 'v3', 'v4', 'v5', 'v7', 'v8', 'tgw');

it('header-less objects in any preset, with `fields`, equal the reference digest', async () => {
  await fc.assert(
    fc.asyncProperty(
      presetArb,
      fc.array(fc.array(recordArb, { maxLength: 20 }), { minLength: 1, maxLength: 3 }),
      async (preset, objects) => {
        const fields = FIELD_PRESETS[preset];
        const texts = objects.map((rs) => lines(...rs.map((r) => fields.map((f) => r[f] ?? '-').join(' '))));
        const d = await digester.digest([memory(...texts)], { fields: preset });
        const ref = referenceDigest(
          texts.map((text, i) => ({ name: `o${i}`, text })),
          { fields },
        );
        expect(digestToString(d)).toBe(ref.text);
        expect(d.stats).toMatchObject(ref.stats);
      },
    ),
    { numRuns: 40 },
  );
});

it('a header line still wins over `fields`', async () => {
  const text = lines(V2_FIELDS.join(' '), V2_FIELDS.map((f) => (f === 'log-status' ? 'OK' : '1')).join(' '));
  const d = await digester.digest([memory(text)], { fields: 'v5' });
  expect(d.stats).toMatchObject({ headers: 1, digested: 1, malformed: 0 });
});

it('without `fields`, a 29-field line is malformed, naming the v5 preset; with it, digested', async () => {
  const line = V5.map((f) => (f === 'log-status' ? 'OK' : f === 'srcaddr' || f === 'dstaddr' ? '10.0.0.1' : '1')).join(
    ' ',
  );
  const d = await digester.digest([memory(lines(line))]);
  expect(d.stats.malformed).toBe(1);
  expect(d.stats.samples[0].reason).toBe(
    "expected 14 fields, found 29; no header line: pass --fields with the flow log's format (29 fields: --fields v5?)",
  );
  const five = await digester.digest([memory(lines(line, 'a b c'))]);
  expect(five.stats.samples[1].reason).toBe(
    "expected 14 fields, found 3; no header line: pass --fields with the flow log's format",
  );
  const ok = await digester.digest([memory(lines(line))], { fields: LOG_FORMAT });
  expect(ok.stats).toMatchObject({ digested: 1, malformed: 0 });
  const wrong = await digester.digest([memory(lines(line))], { fields: 'v3' });
  expect(wrong.stats.samples[0].reason).toBe('expected 21 fields, found 29 (as the given --fields says)');
});

it('the CLI takes --fields and FLOWDIGEST_FIELDS; an unknown field is a usage error with a did-you-mean', async () => {
  const line = V5.map((f) => (f === 'log-status' ? 'OK' : f.endsWith('addr') ? '10.0.0.1' : '1')).join(' ');
  const file = join(dir, 'cw.log.gz');
  writeFileSync(file, gzip(lines(line, line)));
  const flag = await runCli(['digest', file, '--fields', LOG_FORMAT]);
  expect(flag.code).toBe(0);
  expect(flag.stderr).toContain('digested 2');
  const env = await runCli(['digest', file], { env: { FLOWDIGEST_FIELDS: 'v5' } });
  expect(env.stdout).toBe(flag.stdout);
  const bad = await runCli(['digest', file, '--fields', 'version srcaddr dstadr']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--fields names the unknown field 'dstadr' (did you mean dstaddr?)");
  const badEnv = await runCli(['digest', file], { env: { FLOWDIGEST_FIELDS: 'v6' } });
  expect(badEnv.code).toBe(2);
  expect(badEnv.stderr).toContain("FLOWDIGEST_FIELDS names the unknown field 'v6'");
});

it('a stream cut into blocks keeps the header-less format in every block', async () => {
  const fields = FIELD_PRESETS.v5;
  const recs = Array.from({ length: 400 }, (_, i) =>
    fields
      .map((f) =>
        f === 'log-status'
          ? 'OK'
          : f === 'srcaddr'
            ? `10.0.${i % 7}.1`
            : f.endsWith('addr')
              ? '10.1.1.1'
              : String(i % 5),
      )
      .join(' '),
  );
  const text = lines(...recs);
  const file = join(dir, 'big.log');
  writeFileSync(file, text);
  const { FileSource } = await import('../dist/index.js');
  const d = await digester.digest([new FileSource(file, { plainStreamAbove: 1, blockBytes: 1000 })], { fields: 'v5' });
  expect(digestToString(d)).toBe(referenceDigest([{ name: 'f', text }], { fields }).text);
  expect(d.stats.malformed).toBe(0);
});
