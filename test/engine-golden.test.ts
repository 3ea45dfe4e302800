// The committed sample digests to exactly the committed golden files (text, NDJSON, counters).
import { readFile } from 'node:fs/promises';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const golden = (name: string) => readFile(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');

it('fixtures/sample digests to fixtures/golden byte for byte', async () => {
  const d = await digester.digest(['fixtures/sample']);
  expect(digestToString(d)).toBe(await golden('sample.digest.log'));
  const rows = digestToString(d, 'ndjson')
    .split('\n')
    .slice(0, -2)
    .map((l) => `${l}\n`)
    .join('');
  expect(rows).toBe(await golden('sample.digest.ndjson'));
  const want = JSON.parse(await golden('sample.stats.json')) as Record<string, number>;
  expect(d.stats).toMatchObject(want);
  expect(d.stats.objects).toBe(7);
});
