/** `flowdigest work` processes for cluster tests: started on a Redis and a store, watched, stopped. */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, runCli } from './run-cli.js';

/** The worker processes one test file started, so its `afterAll` can stop every one of them. */
export class ClusterWorkers {
  readonly all: ChildProcess[] = [];

  /** `redis` and `store` are read when a worker starts (a file's `beforeAll` may set them later). */
  constructor(private readonly where: () => { redis: string; store: string }) {}

  /** Start one `flowdigest work -w 1` with a short lock, so a killed worker's job moves on quickly. */
  start(): ChildProcess {
    const { redis, store } = this.where();
    const w = spawn(
      process.execPath,
      [CLI, 'work', '--redis', redis, '--store', store, '-w', '1', '--lock-ms', '1500'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    this.all.push(w);
    return w;
  }

  /** SIGTERM every worker still running, and wait until each has exited. */
  async stop(): Promise<void> {
    for (const w of this.all) w.kill('SIGTERM');
    await Promise.all(
      this.all.map((w) =>
        w.exitCode !== null || w.signalCode !== null ? null : new Promise((r) => w.once('exit', r)),
      ),
    );
  }
}

/** Resolve once the worker's log (stderr) has shown `text`. */
export function waitFor(w: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    w.stderr!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes(text)) resolve();
    });
  });
}

/** `flowdigest digest ARGS` planned on the cluster: jobs of `jobBytes`, merged in 3 range jobs. */
export function digestOnCluster(args: readonly string[], redis: string, store: string, jobBytes: string) {
  return runCli(['digest', ...args, '--redis', redis, '--store', store, '--job-bytes', jobBytes, '--merge-jobs', '3']);
}
