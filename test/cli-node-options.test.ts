// Node's own options on the command line (`node --max-old-space-size=8192 flowdigest ...`): the
// ones a worker thread refuses (V8's, per-process) are in effect for the whole process, and the
// pool starts its workers with the rest. Before, the pool's start failed with an unexpected error.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { optionGroups } from '../src/pool/exec-argv.js';
import { runCli } from './support/run-cli.js';

const golden = readFileSync(new URL('../fixtures/golden/sample.digest.log', import.meta.url), 'utf8');

it.each([
  [['--max-old-space-size=512']],
  [['--expose-gc', '--stack-size=2000']],
  [['--title=flowdigest-test', '--enable-source-maps']],
  [['--no-warnings', '--conditions', 'flowdigest-test']],
])('digests with node %j', async (nodeArgs) => {
  const run = await runCli(['digest', 'fixtures/sample', '-w', '2'], { nodeArgs });
  expect(run.stderr).not.toMatch(/unexpected error/);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(golden);
});

it('keeps an option with its value given apart', () => {
  expect(optionGroups(['--import', 'tsx', '--expose-gc', '--conditions', 'x', '--no-warnings'])).toEqual([
    ['--import', 'tsx'],
    ['--expose-gc'],
    ['--conditions', 'x'],
    ['--no-warnings'],
  ]);
});
