// --help for the main command, digest and merge exits 0 and shows examples.
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

it.concurrent.each([
  [['--help'], 'flowdigest <command>'],
  [['-h'], 'flowdigest <command>'],
  [['digest', '--help'], '--skip-bad-objects'],
  [['merge', '--help'], 'flowdigest merge DIGEST...'],
])('%j exits 0 with usage and Examples', async (args, own) => {
  const r = await runCli(args);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Usage:');
  expect(r.stdout).toContain('Examples');
  expect(r.stdout).toContain(own);
  expect(r.stderr).toBe('');
});

it.concurrent('no command at all prints the main help but exits 2', async () => {
  const r = await runCli([]);
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('Examples');
});
