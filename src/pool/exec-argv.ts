/**
 * The exec arguments the pool's worker threads start with.
 *
 * Node refuses V8 options (`--max-old-space-size`, `--expose-gc`, `--perf-basic-prof`) and
 * per-process ones (`--title`) in a worker's `execArgv`: the worker's constructor throws. Those
 * are in effect for the whole process already, so a worker needs only the rest of the process's
 * own (`--import`, `--conditions`, `--enable-source-maps`, `--cpu-prof`, ...). Without this, a
 * user's `node --max-old-space-size=8192 flowdigest digest ...` failed at the pool's start.
 */
import { Worker } from 'node:worker_threads';

let cached: readonly string[] | undefined;

/**
 * The process's exec arguments that a worker thread takes, followed by `extra` (checked too).
 * Worked out once per process; free when the process has none (a plain `flowdigest` run).
 */
export function workerExecArgv(extra: readonly string[]): readonly string[] {
  if (cached !== undefined) return cached;
  const groups = optionGroups(process.execArgv);
  const all = [...groups.flat(), ...extra];
  // One probe when every argument is fine (the usual case); one per option otherwise.
  cached =
    all.length === 0 || workerTakes(all) ? all : [...groups, ...extra.map((e) => [e])].filter(workerTakes).flat();
  return cached;
}

/** Exec arguments as options, each with its value when given apart (`--import tsx`). */
export function optionGroups(argv: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || groups.length === 0) groups.push([arg]);
    else groups[groups.length - 1].push(arg);
  }
  return groups;
}

/** Whether a worker starts with `argv`: a worker that does is stopped at once. */
function workerTakes(argv: readonly string[]): boolean {
  try {
    const probe = new Worker('', { eval: true, execArgv: [...argv], stdout: true, stderr: true });
    void probe.terminate();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_INVALID_EXEC_ARGV') return false;
    throw err;
  }
}
