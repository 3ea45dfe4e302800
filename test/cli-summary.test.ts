// The summary on stderr reports the counts a user needs: NODATA, SKIPDATA, malformed with
// file:line samples.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const stats = JSON.parse(
  readFileSync(new URL('../fixtures/golden/sample.stats.json', import.meta.url), 'utf8'),
) as Record<string, number>;

it('reports NODATA, SKIPDATA and malformed counts and samples', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '-w', '1', '-o', '-']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(
    `records ${stats.records.toLocaleString('en-US')}: digested ${stats.digested.toLocaleString('en-US')}, ` +
      `NODATA ${stats.nodata}, SKIPDATA ${stats.skipdata}, malformed ${stats.malformed}, filtered 0`,
  );
  expect(r.stderr).toContain('7 objects');
  expect(r.stderr).toMatch(/malformed fixtures\/sample\/edge-cases\.log:3: /);
  expect(r.stderr).toMatch(/malformed fixtures\/sample\/edge-cases\.log:4: .*bytes/);
});

it('reports the ACCEPT/REJECT split (records and bytes) and the byte total, as the rows sum them', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '-w', '2', '-f', 'ndjson', '-o', '-']);
  expect(r.code).toBe(0);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number | string>)
    .filter((o) => !('stats' in o));
  const sum = (action?: string) => {
    const mine = rows.filter((o) => action === undefined || o.action === action);
    return {
      records: mine.reduce((a, o) => a + (o.records as number), 0).toLocaleString('en-US'),
      bytes: mine.reduce((a, o) => a + BigInt(o.bytes as number), 0n).toLocaleString('en-US'),
    };
  };
  const [a, j, all] = [sum('ACCEPT'), sum('REJECT'), sum()];
  expect(r.stderr).toMatch(
    new RegExp(
      `\\n  ACCEPT ${a.records} records [\\d.]+ [kMG]?B \\(${a.bytes} bytes\\), ` +
        `REJECT ${j.records} records [\\d.]+ [kMG]?B \\(${j.bytes} bytes\\); bytes [\\d.]+ [kMG]?B \\(${all.bytes} bytes\\)\\n`,
    ),
  );
});
