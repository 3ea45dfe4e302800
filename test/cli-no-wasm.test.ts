// FLOWDIGEST_NO_WASM=1 runs the workers on the JavaScript scanner alone: same digest, same counts.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const golden = readFileSync(new URL('../fixtures/golden/sample.digest.log', import.meta.url), 'utf8');

it('gives the golden digest and the same summary with and without the kernel', async () => {
  const [js, wasm] = await Promise.all([
    runCli(['digest', 'fixtures/sample', '-w', '2'], { env: { FLOWDIGEST_NO_WASM: '1' } }),
    runCli(['digest', 'fixtures/sample', '-w', '2'], { env: { FLOWDIGEST_NO_WASM: '0' } }),
  ]);
  expect([js.code, wasm.code]).toEqual([0, 0]);
  expect(js.stdout).toBe(golden);
  expect(wasm.stdout).toBe(golden);
  const counts = (stderr: string) =>
    stderr
      .split('\n')
      .filter((l) => !l.includes(' in '))
      .join('\n');
  expect(counts(js.stderr)).toBe(counts(wasm.stderr));
});
