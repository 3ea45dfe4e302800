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
