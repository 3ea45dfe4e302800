#!/usr/bin/env node
/** The `flowdigest` command: dispatch, exit codes, and errors a user can act on. */
import { FlowdigestError, MissingDependencyError } from '../errors.js';
import { UsageError } from './args.js';
import { suggest } from '../util/suggest.js';
import { OPTIONAL_PACKAGES, requireOptional } from '../util/optional.js';
import { MAIN_HELP, SERVE_HELP, WORK_HELP } from './help.js';

// Each command is loaded on demand: a digest need not pay for graphlib or the service (the
// graph modules alone cost ~90 ms of start-up).
const COMMANDS: Record<string, (argv: string[], signal: AbortSignal) => Promise<number>> = {
  digest: async (argv, signal) => (await import('./commands/digest.js')).digestCommand(argv, signal),
  merge: async (argv, signal) => (await import('./commands/merge.js')).mergeCommand(argv, signal),
  dot: async (argv) => (await import('./commands/dot.js')).dotCommand(argv),
  diff: async (argv) => (await import('./commands/diff.js')).diffCommand(argv),
  report: async (argv, signal) => (await import('./commands/report.js')).reportCommand(argv, signal),
  // The service's and the cluster's packages are optional peers: say which to install, not
  // Node's "Cannot find package" from inside the import.
  serve: async (argv, signal) =>
    withPeers('flowdigest serve', OPTIONAL_PACKAGES.service, argv, SERVE_HELP) ??
    (await import('./commands/serve.js')).serveCommand(argv, signal),
  work: async (argv, signal) =>
    withPeers('flowdigest work', OPTIONAL_PACKAGES.cluster, argv, WORK_HELP) ??
    (await import('./commands/work.js')).workCommand(argv, signal),
};

/**
 * Check a command's optional peers. Missing ones stop the command, except `--help`, which
 * still teaches, and says what to install: returns its exit code then, else undefined.
 */
function withPeers(feature: string, packages: readonly string[], argv: string[], help: string): number | undefined {
  try {
    requireOptional(feature, packages);
    return undefined;
  } catch (err) {
    if (!(err instanceof MissingDependencyError) || !argv.some((a) => a === '-h' || a === '--help')) throw err;
    process.stdout.write(`${help}\nNot installed here: ${err.message}\n`);
    return 0;
  }
}

/**
 * A batch command (digest, merge, dot, diff) stopped by SIGINT/SIGTERM exits within this, even
 * if its clean-up hangs (a cluster run whose Redis is gone). serve and work have their own grace.
 */
export const STOP_GRACE_MS = 10_000;
const BATCH = new Set(['digest', 'merge', 'dot', 'diff']);

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
    if (BATCH.has(command))
      setTimeout(() => {
        process.stderr.write(`flowdigest: not stopped ${STOP_GRACE_MS / 1000} s after ${sig}; exiting\n`);
        process.exit(130);
      }, STOP_GRACE_MS).unref();
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

// A batch command is over when main settles: a connection left reconnecting (a lost Redis)
// must not keep the process alive. The timer is unref'd, so a clean exit does not wait for it.
const exitSoon = () => {
  if (BATCH.has(process.argv[2] ?? '') || process.argv[2] === 'work') setTimeout(() => process.exit(), 2_000).unref();
};
let settled = false;
// Node exits 0 when nothing is left to wait on, even with main still pending (a promise on a
// closed connection): that is a failure, never a success.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('flowdigest: stopped before finishing (nothing left to wait on)\n');
  process.exitCode = 1;
});
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    exitSoon();
  },
  (err) => {
    settled = true;
    process.exitCode = report(err);
    exitSoon();
  },
);
