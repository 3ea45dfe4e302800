// Usage mistakes exit 2 with a message that names the option and points to --help.
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

it.concurrent('an unknown option suggests the nearest one', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '--strct']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--strct');
  expect(r.stderr).toContain('did you mean --strict?');
  expect(r.stderr).toContain('flowdigest digest --help');
  expect(r.stdout).toBe('');
});

it.concurrent('an unknown command suggests the nearest one', async () => {
  const r = await runCli(['digets', 'fixtures/sample']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('did you mean digest?');
});

it.concurrent.each([
  [['--start', 'yesterday'], '--start'],
  [['--end', '2026-01-15'], '--end'],
  [['--start', '2026-01-15T17:00:00Z', '--end', '2026-01-15T16:00:00Z'], '--start'],
  [['--workers', '0'], '--workers'],
  [['--format', 'csv'], '--format'],
])('%j exits 2 naming %s', async (args, option) => {
  const r = await runCli(['digest', 'fixtures/sample', ...args]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(option);
  expect(r.stdout).toBe('');
});
