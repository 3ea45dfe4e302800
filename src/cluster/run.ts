/**
 * A digest across machines: this process lists the objects (the same selection as a local run),
 * cuts them into scan jobs of about `jobBytes` stored bytes, picks splitter keys from a sample,
 * and runs two BullMQ flows: the scan jobs (each cuts its digest at the splitters), then one
 * merge job per range. `flowdigest work` processes anywhere run them. The ranges in order are
 * the digest a local run gives, byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { type EventEmitter, setMaxListeners } from 'node:events';
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import { Digest, emptyStats, type DigestStats } from '../digest/digest.js';
import { partialChunks } from '../digest/partial.js';
import { createDigester } from '../engine/digester.js';
import { resolveRunOptions, type DigestRunOptions } from '../engine/options.js';
import { parseFieldList } from '../format/field-list.js';
import { progressTracker } from '../engine/progress.js';
import { AbortError, type ErrorData, errorFromData, InvalidOptionError, WorkerError } from '../errors.js';
import { checkInteger } from '../util/parse.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import type { ListContext, ObjectRef } from '../sources/source.js';
import {
  collectJobId,
  fromJobObject,
  type JobObject,
  type JobRunOptions,
  joinJobId,
  type MergeJobData,
  mergeJobId,
  type MergeResult,
  partialKey,
  QUEUE,
  type ScanJobData,
  scanJobId,
  type ScanResult,
  toJobObject,
} from './jobs.js';
import { ListedSource } from './listed-source.js';
import { chooseSplitters, concatRanges } from './ranges.js';
import { sharedInput, sourceOf } from './inputs.js';
import { checkRedis, DEFAULT_REDIS_RETRY_MS, describeRedis, redisConnection } from './redis.js';
import { type PartialStore, readStoredPartial } from './store.js';

/** How long the jobs and partials of a run whose planner died are kept (seconds). */
export const DEFAULT_EXPIRE_SECONDS = 24 * 3600;

/** Options of {@link clusterDigest}: a run's options plus where the cluster is. */
export interface ClusterRunOptions extends DigestRunOptions {
  redis: string;
  store: PartialStore;
  /** Stored bytes per scan job. Larger jobs cost fewer Redis operations and partials; smaller ones balance better. @default 256 MiB */
  jobBytes?: number;
  s3?: S3ClientOptions;
  /** Seconds the jobs and partials of a run abandoned by its planner are kept. @default 86400 */
  expireSeconds?: number;
  /**
   * Ranges, each merged by its own job (at most one per scan job). Splitter keys come from a
   * sample of the input (up to 16 MB, digested here). @default one per 4 scan jobs, at most 32
   */
  mergeJobs?: number;
  /**
   * How long a lost Redis connection is retried (200 ms backoff growing to 2 s) before the run
   * fails with `FD_ERR_WORKER` naming the URL (password masked). @default 30000
   */
  redisRetryMs?: number;
}

/** How long the planner's clean-up (removing its jobs and partials) may take before it gives up on it. */
const CLEANUP_MS = 5_000;

/** Digest `inputs` (paths every worker can reach, or s3:// URLs) on the cluster's workers. */
export async function clusterDigest(inputs: readonly string[], o: ClusterRunOptions): Promise<Digest> {
  resolveRunOptions(o);
  if (inputs.length === 0) throw new InvalidOptionError('inputs', 'must name at least one input');
  const jobBytes = checkInteger('jobBytes', o.jobBytes, {}, 256 * 1024 * 1024);
  checkInteger('mergeJobs', o.mergeJobs, { max: 1024 });
  const shared = inputs.map(sharedInput);
  const run = randomBytes(8).toString('hex');
  const stats = emptyStats();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) controller.abort(o.signal.reason);
  const { progress, report } = progressTracker(o.onProgress);

  const retryMs = o.redisRetryMs ?? DEFAULT_REDIS_RETRY_MS;
  if (!Number.isInteger(retryMs) || retryMs < 0)
    throw new InvalidOptionError('redisRetryMs', 'must be a non-negative integer (milliseconds)');
  const connection = redisConnection(o.redis, '--redis', retryMs);
  await checkRedis(o.redis);
  const events = new QueueEvents(QUEUE, { connection });
  const producer = new FlowProducer({ connection });
  // Errors while reconnecting are expected; the lost connection is reported once, below.
  events.on('error', () => {});
  producer.on('error', () => {});
  // ioredis ends a connection once its retries are spent: the run cannot go on.
  let lost: WorkerError | undefined;
  let closing = false;
  const lostRedis = new Promise<never>((_, reject) => {
    const onEnd = () => {
      // Our own close ends the connections too.
      if (closing) return;
      lost ??= new WorkerError(
        `lost the Redis connection to ${describeRedis(o.redis)}: no answer for ${retryMs / 1000} s of retries; ` +
          "the run's jobs stay in Redis and expire",
      );
      controller.abort(lost);
      reject(lost);
    };
    void events.client.then((c) => c.once('end', onEnd), onEnd);
    void producer.client.then((c) => c.once('end', onEnd), onEnd);
  });
  lostRedis.catch(() => {
    /* raced below */
  });
  const flows: Array<{ parent: Job; children: string[] }> = [];
  try {
    const jobs = await plan(run, shared, o, stats, controller.signal, jobBytes, (ref) => {
      progress.objectsListed++;
      progress.storedBytesListed += ref.size;
      report();
    });
    progress.listingDone = true;
    report();
    if (jobs.length === 0) return new Digest(undefined, stats);
    await events.waitUntilReady();
    const expire = { age: o.expireSeconds ?? DEFAULT_EXPIRE_SECONDS };
    const jobOpts = (jobId: string) => ({
      jobId,
      failParentOnFailure: true,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      // A finished child's result lives on in its parent: the job itself can go at once.
      removeOnComplete: true,
      removeOnFail: expire,
    });
    let firstFailure: string | undefined;
    const watched = new Map<string, { objects: number; bytes: number }>();
    events.on('failed', ({ jobId, failedReason }) => {
      if (jobId.startsWith(`${run}-`)) firstFailure ??= failedReason;
    });
    events.on('completed', ({ jobId }) => {
      const s = watched.get(jobId);
      if (s === undefined) return;
      watched.delete(jobId);
      progress.objectsDone += s.objects;
      progress.storedBytesDone += s.bytes;
      report();
    });
    const aborted = new Promise<never>((_, reject) => {
      const stop = () => reject(lost ?? new AbortError(o.signal?.reason));
      if (controller.signal.aborted) stop();
      else controller.signal.addEventListener('abort', stop, { once: true });
    });
    aborted.catch(() => {
      /* raced below */
    });
    // Runs one flow (a parent waiting for `children`) to its end; its children's results, in order.
    const runFlow = async <T>(
      name: string,
      id: string,
      children: Array<{ name: string; data: object; id: string }>,
    ): Promise<T[]> => {
      const flow = await producer.add({
        name,
        queueName: QUEUE,
        data: { run },
        opts: { jobId: id, removeOnComplete: expire, removeOnFail: expire },
        children: children.map((c) => ({ name: c.name, queueName: QUEUE, data: c.data, opts: jobOpts(c.id) })),
      });
      flows.push({ parent: flow.job, children: children.map((c) => c.id) });
      try {
        await Promise.race([jobFinished(flow.job, events), aborted]);
      } catch (err) {
        if (err instanceof AbortError) throw err;
        throw failureOf(firstFailure ?? (err as Error)?.message ?? String(err));
      }
      const values = await flow.job.getChildrenValues<T>();
      const byId = new Map(Object.entries(values).map(([k, v]) => [k.slice(k.lastIndexOf(':') + 1), v]));
      return children.map((c) => byId.get(c.id)!);
    };

    // Splitters from a sample of the input, so that each range is merged by its own job.
    // By default one range per SCANS_PER_RANGE scan jobs: a small run is not worth the sample.
    const ranges = Math.max(
      1,
      Math.min(o.mergeJobs ?? Math.min(DEFAULT_MERGE_JOBS, Math.floor(jobs.length / SCANS_PER_RANGE)), jobs.length),
    );
    let splitters: string | undefined;
    if (ranges > 1) {
      splitters = partialKey(run, 'splitters');
      await o.store.put(splitters, partialChunks(chooseSplitters(await sampleDigest(jobs, o), ranges)));
    }
    const scans = jobs.map((data, i) => {
      const id = scanJobId(run, i);
      watched.set(id, { objects: data.objects.length, bytes: data.objects.reduce((n, x) => n + x.size, 0) });
      return { name: 'scan', id, data: splitters === undefined ? data : { ...data, splitters } };
    });
    const scanned = await runFlow<ScanResult>('collect', collectJobId(run), scans);
    progress.stage = 'merging';
    report();
    const width = scanned[0].partials.length;
    const merges = Array.from({ length: width }, (_, r) => ({
      name: 'merge',
      id: mergeJobId(run, r),
      data: {
        run,
        partials: scanned.map((s) => s.partials[r]),
        writers: scanned.map((s) => s.writer ?? 'unknown'),
      } satisfies MergeJobData,
    }));
    const merged = await runFlow<MergeResult>('join', joinJobId(run), merges);
    const parts = await Promise.all(merged.map((m) => readStoredPartial(o.store, m.partial, m.writer)));
    const digest = concatRanges(parts);
    for (const [reason, n] of Object.entries(stats.listingSkipped))
      digest.stats.listingSkipped[reason] = (digest.stats.listingSkipped[reason] ?? 0) + n;
    report();
    return digest;
  } catch (err) {
    // A command that failed because the connection ended says so, not "Connection is closed".
    throw lost ?? err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    // Finished or not, the run leaves nothing behind: its jobs (a pending flow is cancelled
    // with them) and its partials. Bounded: with Redis gone (or going) the jobs expire instead,
    // and a stop (SIGTERM) must not wait on it.
    const deadline = Date.now() + CLEANUP_MS;
    const queue = lost === undefined && flows.length > 0 ? new Queue(QUEUE, { connection }) : undefined;
    queue?.on('error', () => {});
    const cleanup = (async () => {
      if (queue !== undefined) for (const f of flows) await removeFlow(f.parent, f.children, queue, deadline);
      await o.store.removeRun(run).catch(() => {
        /* nothing stored */
      });
    })();
    await within(cleanup, CLEANUP_MS);
    // A close waits for pending commands; on a lost connection they never settle.
    closing = true;
    await within(Promise.allSettled([events.close(), producer.close(), queue?.close()]), 1000);
    await within(Promise.allSettled([events.disconnect(), producer.disconnect(), queue?.disconnect()]), 1000);
  }
}

/**
 * @internal Settles when `job` completes (resolves) or fails (rejects with its reason). BullMQ's own
 * `Job.waitUntilFinished` polls Redis inside an async Promise executor: when the connection
 * ends meanwhile, that poll's rejection is unhandled (seen in CI as "Connection is closed" after
 * a run had already failed on its lost Redis). Here the poll's failure is ignored: the caller
 * races this with the run's abort, which reports a lost connection once.
 */
export function jobFinished(job: Job, events: QueueEvents): Promise<void> {
  const id = job.id!;
  return new Promise<void>((resolve, reject) => {
    const completed = () => {
      off();
      resolve();
    };
    const failed = ({ failedReason }: { failedReason: string }) => {
      off();
      reject(new Error(failedReason));
    };
    // The per-job events BullMQ emits, which its typed listener names do not list.
    const emitter = events as unknown as EventEmitter;
    const off = () => {
      emitter.off(`completed:${id}`, completed);
      emitter.off(`failed:${id}`, failed);
    };
    emitter.on(`completed:${id}`, completed);
    emitter.on(`failed:${id}`, failed);
    // The job may have finished before the listeners were on: ask once, when they listen.
    events
      .waitUntilReady()
      .then(() => job.getState())
      .then((state) => {
        if (state === 'completed') completed();
        // Its children's failures reach the caller through the queue's events, with their reasons.
        else if (state === 'failed') failed({ failedReason: `job ${id} failed` });
      })
      .catch(() => {
        /* a lost connection: the run's abort reports it */
      });
  });
}

/** Wait for `p` (its failure ignored), at most `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Most merge jobs (ranges) of a run by default. */
export const DEFAULT_MERGE_JOBS = 32;
/** Scan jobs per range by default. */
const SCANS_PER_RANGE = 4;

/** Bytes of input the planner digests itself to choose the splitters. */
const SAMPLE_BYTES = 16 * 1024 * 1024;

// A few objects spread over the whole input, digested here: their keys stand for the input's.
async function sampleDigest(jobs: ScanJobData[], o: ClusterRunOptions): Promise<Digest> {
  const all = jobs.flatMap((j) => j.objects.map((x) => ({ input: j.input, x })));
  const step = Math.max(1, Math.floor(all.length / 8));
  const picked: typeof all = [];
  let bytes = 0;
  for (let i = 0; i < all.length && (picked.length === 0 || bytes < SAMPLE_BYTES); i += step) {
    picked.push(all[i]);
    bytes += all[i].x.size;
  }
  const digester = createDigester({ threads: 1, s3: o.s3 });
  try {
    const byInput = new Map<string, JobObject[]>();
    for (const p of picked) byInput.set(p.input, [...(byInput.get(p.input) ?? []), p.x]);
    const sources = [...byInput].map(
      ([input, objects]) => new ListedSource(sourceOf(input, o.s3), objects.map(fromJobObject)),
    );
    // Bad objects are the scan jobs' to report: here they only leave the sample smaller.
    // Under the run's key and format, so the splitters are rows of the same key as the jobs'.
    return await digester.digest(sources, {
      skipBadObjects: true,
      signal: o.signal,
      ...(o.fields === undefined ? {} : { fields: o.fields }),
      ...(o.key === undefined ? {} : { key: o.key }),
    });
  } finally {
    await digester.close();
  }
}

/**
 * Remove a run's flow: its scan jobs still waiting first (so no worker starts them), then the
 * merge job with whatever is left, retried while a worker finishes a scan job it had started
 * (a job a worker holds cannot be removed), until `deadline`: what is left then expires.
 */
async function removeFlow(parent: Job, scanIds: string[], queue: Queue, deadline: number): Promise<void> {
  await Promise.all(
    scanIds.map(async (id) => {
      const job = await queue.getJob(id);
      if (job && !(await job.isActive()))
        await job.remove().catch(() => {
          /* taken meanwhile */
        });
    }),
  );
  while (Date.now() < deadline) {
    try {
      await parent.remove({ removeChildren: true });
      return;
    } catch {
      if (!(await queue.getJob(parent.id!))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function plan(
  run: string,
  inputs: string[],
  o: ClusterRunOptions,
  stats: DigestStats,
  signal: AbortSignal,
  jobBytes: number,
  listed: (ref: ObjectRef) => void,
): Promise<ScanJobData[]> {
  const options: JobRunOptions = { strict: o.strict ?? false, skipBadObjects: o.skipBadObjects ?? false };
  if (o.start !== undefined) options.start = o.start.toISOString();
  if (o.end !== undefined) options.end = o.end.toISOString();
  if (o.accounts !== undefined) options.accounts = [...o.accounts];
  if (o.regions !== undefined) options.regions = [...o.regions];
  if (o.fields !== undefined) options.fields = parseFieldList(o.fields);
  if (o.key !== undefined) options.key = typeof o.key === 'string' ? o.key : [...o.key];
  const accounts = o.accounts ? new Set(o.accounts) : undefined,
    regions = o.regions ? new Set(o.regions) : undefined;
  const ctx: ListContext = {
    signal,
    skip: (_key, reason) => {
      stats.listingSkipped[reason] = (stats.listingSkipped[reason] ?? 0) + 1;
    },
    selection: { start: o.start, end: o.end, accounts: o.accounts, regions: o.regions },
    // One object reached through two inputs is one job's, once.
    seen: new Set(),
  };
  const jobs: ScanJobData[] = [];
  for (const input of inputs) {
    let current: ScanJobData | null = null,
      bytes = 0;
    for await (const ref of sourceOf(input, o.s3).list(ctx)) {
      // The same key-path selection as a local run: whole objects skipped before any download.
      if (
        (accounts && ref.account !== undefined && !accounts.has(ref.account)) ||
        (regions && ref.region !== undefined && !regions.has(ref.region))
      ) {
        ctx.skip(ref.key, 'not_selected');
        continue;
      }
      listed(ref);
      if (current === null || bytes >= jobBytes) {
        current = { run, input, objects: [], options };
        jobs.push(current);
        bytes = 0;
      }
      current.objects.push(toJobObject(ref));
      bytes += ref.size;
    }
  }
  if (signal.aborted) throw new AbortError(signal.reason);
  return jobs;
}

// The run failed because a job did: that job's error, rebuilt (class, code, key) from the data
// the worker stored, plus the host it ran on.
function failureOf(reason: string): Error {
  try {
    const data = JSON.parse(reason) as ErrorData & { host?: string };
    const rebuilt = errorFromData(data);
    if (data.host) rebuilt.message = `${rebuilt.message} (on worker ${data.host})`;
    return rebuilt;
  } catch {
    return new WorkerError(`cluster run failed: ${reason}`);
  }
}
