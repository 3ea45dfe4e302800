// Start-up loads only what a digest uses: the worker's modules and the digest command's do not
// load fastest-levenshtein (only a mistyped name needs it; importing it cost every thread 4-5 ms),
// and the first suggestion loads it then.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const dist = new URL('../dist/', import.meta.url).pathname;

const probe = `
import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url)('node:module')._cache).some((k) => k.includes('fastest-levenshtein'));
await import(${JSON.stringify(`${dist}pool/worker.js`)});
await import(${JSON.stringify(`${dist}cli/commands/digest.js`)});
const atStart = loaded();
const { suggest } = await import(${JSON.stringify(`${dist}util/suggest.js`)});
console.log(JSON.stringify({ atStart, hint: suggest('--wokers', ['--workers', '--window']), after: loaded() }));
`;

it('loads fastest-levenshtein at the first suggestion, not at start-up', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  expect(JSON.parse(child.stdout.trim())).toEqual({
    atStart: false,
    hint: ' (did you mean --workers?)',
    after: true,
  });
});
