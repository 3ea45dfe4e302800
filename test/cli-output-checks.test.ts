// `-o PATH` is checked before anything is read (a missing directory fails at once, naming the
// path as given, not a temporary file after the whole run), and a failed write (ENOSPC on
// /dev/full) names the path too. The same for digest, merge, dot and diff.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
const digest = 'fixtures/golden/sample.digest.log';
const commands: Record<string, (inputs: string[]) => string[]> = {
  digest: (inputs) => ['digest', ...inputs],
  merge: (inputs) => ['merge', ...inputs],
  dot: (inputs) => ['dot', ...inputs],
  diff: (inputs) => ['diff', inputs[0], inputs[0]],
};

it.each(Object.keys(commands))('%s: -o into a missing directory fails before reading the input', async (name) => {
  // The input does not exist either: had the command read first, it would complain about that.
  const out = join('nodir', 'x.log');
  const r = await runCli([...commands[name]([join(dir, 'no-such-input.log')]), '-o', out], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`flowdigest: ${out}: cannot write: the directory 'nodir' does not exist [FD_ERR_OUTPUT]\n`);
  expect(existsSync(join(dir, 'nodir'))).toBe(false);
});

it.each(Object.keys(commands))('%s: -o /dev/full fails naming /dev/full', async (name) => {
  const r = await runCli([
    ...commands[name]([name === 'digest' ? 'fixtures/sample' : digest]),
    '-q',
    '-o',
    '/dev/full',
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('flowdigest: /dev/full: cannot write: no space left on device [FD_ERR_OUTPUT]\n');
});

it('-o onto a path whose parent is a file fails at once, naming it', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '-q', '-o', `${digest}/x.log`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${digest}/x.log: cannot write: '${digest}' is not a directory`);
});
