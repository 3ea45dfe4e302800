// `-f ndjson` writes the golden rows (with record counts) and ends with a stats line.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');

it('writes golden rows then a stats line', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '-f', 'ndjson', '-w', '2']);
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines.at(-1)).toBe(''); // newline-terminated
  const stats = JSON.parse(lines.at(-2)!).stats;
  expect(
    lines
      .slice(0, -2)
      .map((l) => `${l}\n`)
      .join(''),
  ).toBe(fixture('sample.digest.ndjson'));
  const golden = JSON.parse(fixture('sample.stats.json')) as Record<string, number>;
  expect(stats).toMatchObject({ ...golden, objects: 7, rows: lines.length - 2 });
  expect(stats.samples.map((s: { key: string; line: number }) => `${s.key}:${s.line}`)).toEqual([
    'fixtures/sample/edge-cases.log:3',
    'fixtures/sample/edge-cases.log:4',
  ]);
});
