#!/usr/bin/env node
/** The `flowdigest` command: dispatch, exit codes, and errors a user can act on. */
import { FlowdigestError } from '../errors.js';
import { UsageError } from './args.js';
import { suggest } from '../util/suggest.js';
import { MAIN_HELP } from './help.js';

// Each command is loaded on demand: a digest need not pay for graphlib or the service (the
// graph modules alone cost ~90 ms of start-up).
const COMMANDS: Record<string, (argv: string[], signal: AbortSignal) => Promise<number>> = {
  digest: async (argv, signal) => (await import('./commands/digest.js')).digestCommand(argv, signal),
  merge: async (argv, signal) => (await import('./commands/merge.js')).mergeCommand(argv, signal),
  dot: async (argv) => (await import('./commands/dot.js')).dotCommand(argv),
  diff: async (argv) => (await import('./commands/diff.js')).diffCommand(argv),
  report: async (argv, signal) => (await import('./commands/report.js')).reportCommand(argv, signal),
  serve: async (argv, signal) => (await import('./commands/serve.js')).serveCommand(argv, signal),
  work: async (argv, signal) => (await import('./commands/work.js')).workCommand(argv, signal),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    const { createRequire } = await import('node:module');
    process.stdout.write(`${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    throw new UsageError(`unknown command '${command}'${suggest(command, Object.keys(COMMANDS))}`);
  }
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\nflowdigest: ${sig}, stopping\n`);
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run(rest, controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Print an error the way a user can act on it; return the exit code. */
export function report(err: unknown): number {
  if (err instanceof UsageError) {
    const help = err.command ? `flowdigest ${err.command} --help` : 'flowdigest --help';
    process.stderr.write(`flowdigest: ${err.message}\nTry '${help}'.\n`);
    return 2;
  }
  if (err instanceof FlowdigestError) {
    process.stderr.write(`flowdigest: ${err.message} [${err.code}]\n`);
    return err.code === 'FD_ERR_ABORTED' ? 130 : 1;
  }
  if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return 0;
  process.stderr.write(`flowdigest: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
  if (err.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = report(err);
  },
);
