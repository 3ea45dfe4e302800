/**
 * `flowdigest work`: a long-running cluster worker. It consumes the flowdigest BullMQ queue: a
 * scan job digests its objects on this process's worker pool and stores its partial of each
 * range; a merge job merges one range of every scan job. A job whose worker dies is re-run by BullMQ's stalled-job
 * check once its lock expires; the re-run writes the same partial (job IDs are deterministic).
 */
import { hostname } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Digest } from '../digest/digest.js';
import { partialChunks } from '../digest/partial.js';
import { createDigester } from '../engine/digester.js';
import type { DigestRunOptions } from '../engine/options.js';
import { errorToData, FlowdigestError } from '../errors.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import {
  fromJobObject,
  type JobRunOptions,
  type MergeJobData,
  type MergeResult,
  partialKey,
  QUEUE,
  type ScanJobData,
  type ScanResult,
} from './jobs.js';
import { splitDigest } from './ranges.js';
import { ListedSource } from './listed-source.js';
import { sourceOf } from './inputs.js';
import { checkRedis, describeRedis, redisConnection } from './redis.js';
import { type PartialStore, readStoredPartial } from './store.js';

/** Options of {@link startWorker}. */
export interface WorkOptions {
  /** `redis://host:port[/db]`. */
  redis: string;
  /** Where partials go; every worker and the planner must see the same store. */
  store: PartialStore;
  /** Jobs run at once; each uses the whole worker pool. @default 1 */
  concurrency?: number;
  /** Worker threads of this process. @default os.availableParallelism() */
  threads?: number;
  /** How long a job's lock lasts unrenewed: a dead worker's job is re-run after about this. @default 30000 */
  lockMs?: number;
  s3?: S3ClientOptions;
  /**
   * Partials of runs not written to for this long are removed (their planner died): at start,
   * then hourly. @default 86400
   */
  expireSeconds?: number;
  /** One line per job event (started, completed, failed). @default silent */
  log?: (line: string) => void;
}

/** A running worker. */
export interface ClusterWorker {
  /** Stop taking jobs; wait up to `graceMs` for running ones, then hand them back (they re-run elsewhere). */
  close(graceMs?: number): Promise<void>;
}

const HOST = hostname();
/** This worker, as partials' messages name it. */
const WRITER = `${HOST} (pid ${process.pid})`;

export async function startWorker(o: WorkOptions): Promise<ClusterWorker> {
  const log = o.log ?? (() => {});
  await checkRedis(o.redis);
  const digester = createDigester({ threads: o.threads, s3: o.s3 });
  const lockDuration = o.lockMs ?? 30_000;
  const worker = new Worker<ScanJobData | MergeJobData | { run: string }, ScanResult | MergeResult | null>(
    QUEUE,
    async (job) => {
      try {
        if (job.name === 'scan') return await scan(job as Job<ScanJobData>);
        if (job.name === 'merge') return await merge(job as Job<MergeJobData>);
        // `collect` and `join` only wait for their children; the planner reads the children's results.
        if (job.name === 'collect' || job.name === 'join') return null;
        throw new UnrecoverableError(`unknown job '${job.name}'`);
      } catch (err) {
        throw asJobError(err);
      }
    },
    {
      connection: redisConnection(o.redis),
      concurrency: o.concurrency ?? 1,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      maxStalledCount: 3,
    },
  );
  worker.on('active', (job) => log(`${job.id}: started on ${HOST}`));
  worker.on('completed', (job) => log(`${job.id}: done`));
  worker.on('failed', (job, err) => log(`${job?.id ?? '?'}: failed: ${err.message}`));
  // A lost Redis is retried for as long as it takes (200 ms backoff growing to 2 s), with a log
  // line when the error changes and every 30 s while it lasts, not one per retry.
  let lastError = '',
    loggedAt = 0;
  worker.on('error', (err) => {
    if (err.message === lastError && Date.now() - loggedAt < 30_000) return;
    lastError = err.message;
    loggedAt = Date.now();
    log(`worker error: ${err.message} (Redis at ${describeRedis(o.redis)}; retrying)`);
  });

  const read = (key: string, writer?: string) => readStoredPartial(o.store, key, writer);

  async function scan(job: Job<ScanJobData>): Promise<ScanResult> {
    const d = job.data;
    const source = new ListedSource(sourceOf(d.input, o.s3), d.objects.map(fromJobObject));
    const digest = await digester.digest([source], runOptions(d.options));
    const parts = d.splitters === undefined ? [digest] : splitDigest(digest, (await read(d.splitters)).onlyRun());
    const keys = parts.map((_, r) => partialKey(d.run, `${job.id!}-r${r}`));
    await Promise.all(parts.map((p, r) => o.store.put(keys[r], partialChunks(p))));
    return { partials: keys, writer: WRITER };
  }

  async function merge(job: Job<MergeJobData>): Promise<MergeResult> {
    const parts = await Promise.all(job.data.partials.map((key, i) => read(key, job.data.writers?.[i])));
    // Partials are sorted runs: merged as such, with no hash table and no sort.
    const merged = Digest.mergeSorted(parts);
    const key = partialKey(job.data.run, job.id!);
    await o.store.put(key, partialChunks(merged));
    return { partial: key, writer: WRITER };
  }

  await worker.waitUntilReady();
  const expireMs = (o.expireSeconds ?? 86_400) * 1000;
  const sweep = () =>
    o.store.sweep(new Date(Date.now() - expireMs)).then(
      (n) => {
        if (n > 0) log(`removed the partials of ${n} abandoned run(s)`);
      },
      (err: Error) => log(`sweeping the store failed: ${err.message}`),
    );
  void sweep();
  const sweeper = setInterval(sweep, Math.min(expireMs, 3_600_000));
  sweeper.unref();
  return {
    async close(graceMs = 30_000) {
      clearInterval(sweeper);
      try {
        // Running jobs get `graceMs`; then they are handed back. With Redis gone, a close waits
        // on commands that never settle: each step is bounded, then the connections are dropped.
        if (!(await within(worker.close(), graceMs))) {
          if (!(await within(worker.close(true), 2_000))) await within(worker.disconnect(), 1_000);
        }
      } finally {
        await digester.close();
      }
    },
  };
}

/** Wait for `p` at most `ms`: whether it settled (its failure ignored). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<false>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

function runOptions(o: JobRunOptions): DigestRunOptions {
  const r: DigestRunOptions = { strict: o.strict, skipBadObjects: o.skipBadObjects };
  if (o.start !== undefined) r.start = new Date(o.start);
  if (o.end !== undefined) r.end = new Date(o.end);
  if (o.accounts !== undefined) r.accounts = o.accounts;
  if (o.regions !== undefined) r.regions = o.regions;
  if (o.fields !== undefined) r.fields = o.fields;
  if (o.key !== undefined) r.key = o.key;
  return r;
}

/**
 * A job's failure, as BullMQ stores it (a message): the error as data plus this host, so the
 * planner rebuilds the same class and code a local run would throw. flowdigest's own errors
 * (a corrupt object, a malformed record under --strict) would fail again: not retried.
 */
function asJobError(err: unknown): Error {
  const data = { ...errorToData(err), host: HOST };
  const message = JSON.stringify(data);
  const retriable = !(err instanceof FlowdigestError) || data.code === 'FD_ERR_S3' || data.code === 'FD_ERR_INPUT';
  return retriable ? new Error(message) : new UnrecoverableError(message);
}
