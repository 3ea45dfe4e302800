// An option that exists on another command says which commands have it, from their schemas; a
// near miss of this command's own options still gets "did you mean".
import { expect, it } from 'vitest';
import { unknownOption } from '../dist/cli/args.js';
import { COMMAND_OPTIONS } from '../dist/cli/options.js';
import { runCli } from './support/run-cli.js';

it.concurrent('digest --top points to dot', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '--top', '5']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(
    "flowdigest: unknown option --top for digest; --top is an option of dot and report\nTry 'flowdigest digest --help'.\n",
  );
  expect(r.stdout).toBe('');
});

it.concurrent('a short flag of another command is named too', async () => {
  const r = await runCli(['merge', 'a.log', '-w', '2']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('unknown option -w for merge; -w is an option of digest, report and work');
});

it('names every command that has it, and the option and reason as fields', () => {
  // A command added later (report) is found the same way: from its schema alone.
  const commands = { ...COMMAND_OPTIONS, report: { top: { type: 'int', help: 'Rows' } } } as typeof COMMAND_OPTIONS;
  const err = unknownOption('digest', '--top', commands);
  expect(err.message).toBe('unknown option --top for digest; --top is an option of dot and report');
  expect(err).toMatchObject({ code: 'FD_ERR_USAGE', command: 'digest', option: '--top' });
});

it('a flag no command has gets the nearest of this command', () => {
  expect(unknownOption('digest', '--strct').message).toBe('unknown option --strct (did you mean --strict?)');
  expect(unknownOption('digest', '--zzzzzzzz').message).toBe('unknown option --zzzzzzzz');
});
