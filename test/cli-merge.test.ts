// `flowdigest merge` of the digests of two disjoint halves of the sample equals the digest of
// the whole: as text, and as NDJSON with record counts kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');
const dir = tempDir();
const halves = [
  ['fixtures/sample/AWSLogs/123456789012'],
  ['fixtures/sample/AWSLogs/210987654321', 'fixtures/sample/edge-cases.log'],
];

it('merges text digests of two halves into the digest of the whole', async () => {
  const outs = halves.map((_, i) => join(dir, `half${i}.log`));
  const runs = await Promise.all(halves.map((inputs, i) => runCli(['digest', ...inputs, '-w', '1', '-o', outs[i]])));
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
  expect(readFileSync(outs[0], 'utf8')).not.toBe(fixture('sample.digest.log'));
  const m = await runCli(['merge', ...outs]);
  expect(m.code).toBe(0);
  expect(m.stdout).toBe(fixture('sample.digest.log'));
});

it('merges NDJSON digests (one gzip) keeping record counts and summing stats', async () => {
  const outs = [join(dir, 'half0.ndjson'), join(dir, 'half1.ndjson.gz')];
  const runs = await Promise.all(
    halves.map((inputs, i) => runCli(['digest', ...inputs, '-w', '1', '-f', 'ndjson', '-o', outs[i]])),
  );
  expect(runs.map((r) => r.code)).toEqual([0, 0]);
  const m = await runCli(['merge', ...outs, '-f', 'ndjson']);
  expect(m.code).toBe(0);
  const lines = m.stdout.split('\n');
  expect(
    lines
      .slice(0, -2)
      .map((l) => `${l}\n`)
      .join(''),
  ).toBe(fixture('sample.digest.ndjson'));
  expect(JSON.parse(lines.at(-2)!).stats).toMatchObject({ ...JSON.parse(fixture('sample.stats.json')), objects: 7 });
});
