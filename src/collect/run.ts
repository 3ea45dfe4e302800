/**
 * Running one stream: plan its windows (explicit, or from its checkpoint), run its source per
 * window, commit each emitted object through the destination, and move the checkpoint only
 * once every object of a window is committed.
 */
import { AbortError, InvalidStreamError } from '../errors.js';
import { objectBody } from './body.js';
import { planWindows, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { retryingFetch } from './http.js';
import type { LogWriter } from './log.js';
import { objectName, windowPrefix } from './names.js';
import { type RetryPolicy, withRetry } from './retry.js';
import type { Committed, EmittedObject, SourceContext, StreamDefinition, Window } from './types.js';

/** What one stream's run did. */
export interface StreamResult {
  id: string;
  ok: boolean;
  /** The windows collected (or, in a dry run, that would be). */
  windows: Window[];
  /** Whether the windows came from the checkpoint (and it was moved). */
  checkpointed: boolean;
  objects: number;
  records: number;
  bytes: number;
  retries: number;
  error?: Error;
}

/** How the collector runs streams. */
export interface RunEnvironment {
  policy: RetryPolicy;
  log: LogWriter;
  now: () => Date;
  safetyLagMs: number;
  initialLookbackMs: number;
}

/** Options of one run. */
export interface StreamRunOptions {
  /** Collect this window as given; the checkpoint is neither read nor moved (backfill). */
  window?: Window;
  /** Plan only: read checkpoints, report windows, fetch and write nothing. */
  dryRun?: boolean;
  signal: AbortSignal;
}

const iso = (w: Window) => `${w.start.toISOString()}/${w.end.toISOString()}`;

/** Run `def`; never throws: failures are in the result (and logged). */
export async function runStream(
  def: StreamDefinition,
  env: RunEnvironment,
  options: StreamRunOptions,
): Promise<StreamResult> {
  const { id, destination: dest } = def;
  const { signal } = options;
  const result: StreamResult = {
    id,
    ok: false,
    windows: [],
    checkpointed: options.window === undefined,
    objects: 0,
    records: 0,
    bytes: 0,
    retries: 0,
  };
  try {
    if (options.window !== undefined) {
      result.windows = [options.window];
    } else {
      const cp = await readCheckpoint(dest, id, signal);
      result.windows = planWindows(
        cp,
        env.now(),
        def.safetyLagMs ?? env.safetyLagMs,
        def.initialLookbackMs ?? env.initialLookbackMs,
      );
    }
    if (options.dryRun) {
      result.ok = true;
      return result;
    }
    for (const window of result.windows) {
      if (result.checkpointed) await writeCheckpoint(dest, id, window.start, window, signal, env.now());
      // The result's counts add up over the run's windows; each window's line gives its own.
      const before = { objects: result.objects, records: result.records, bytes: result.bytes, retries: result.retries };
      await runWindow(def, env, window, signal, result);
      if (result.checkpointed) await writeCheckpoint(dest, id, window.end, null, signal, env.now());
      env.log('info', 'window committed', {
        stream: id,
        window: iso(window),
        objects: result.objects - before.objects,
        records: result.records - before.records,
        bytes: result.bytes - before.bytes,
        retries: result.retries - before.retries,
      });
    }
    result.ok = true;
  } catch (err) {
    result.error = signal.aborted && !(err instanceof AbortError) ? new AbortError(signal.reason) : (err as Error);
    env.log('error', 'stream failed', {
      stream: id,
      error: result.error.message,
      code: (result.error as { code?: string }).code,
      retries: result.retries,
    });
  }
  return result;
}

async function runWindow(
  def: StreamDefinition,
  env: RunEnvironment,
  window: Window,
  signal: AbortSignal,
  result: StreamResult,
): Promise<void> {
  const { id, destination: dest } = def;
  let nextSeq = 0;
  const names = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  let emitError: unknown;
  let retriesLogged = result.retries;

  const emit = async (object: EmittedObject): Promise<Committed> => {
    if (signal.aborted) throw new AbortError(signal.reason);
    const seq = object.seq ?? nextSeq;
    nextSeq = Math.max(nextSeq, seq + 1);
    const body = objectBody(object);
    const name = objectName(id, object.window ?? window, seq, body.extension, object.label);
    if (names.has(name)) {
      body.stream.destroy();
      throw new InvalidStreamError(
        `stream ${id}: two objects of one run named ${name}; give each a distinct seq or label`,
        { key: id, field: 'seq' },
      );
    }
    names.add(name);
    await dest.put(name, body.stream, { signal, contentType: body.contentType });
    result.objects++;
    result.records += body.counts.records;
    result.bytes += body.counts.bytes;
    env.log('info', 'object committed', {
      stream: id,
      window: iso(object.window ?? window),
      page: seq,
      object: `${dest.location}${name}`,
      records: body.counts.records,
      bytes: body.counts.bytes,
      retries: result.retries - retriesLogged,
    });
    retriesLogged = result.retries;
    return { name, records: body.counts.records, bytes: body.counts.bytes };
  };

  const onRetry = (what: string, reason: string, attempt: number, waitMs: number) => {
    result.retries++;
    env.log('warn', 'retry', { stream: id, request: what, reason, attempt, wait_ms: waitMs });
  };
  const ctx: SourceContext = {
    streamId: id,
    window: { start: new Date(window.start), end: new Date(window.end) },
    signal,
    emit: (object) => {
      const p = emit(object);
      // A source that drops a failed emit still fails its window.
      const tracked = p.catch((err: unknown) => {
        emitError ??= err;
      });
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      return p;
    },
    fetch: (url, init) => retryingFetch({ streamId: id, policy: env.policy, signal, onRetry }, url, init),
    retry: (what, fn) =>
      withRetry(env.policy, signal, fn, (err, attempt, wait) => onRetry(what, err.message, attempt, wait)),
    log: (event, fields = {}) => env.log('info', event, { ...fields, stream: id }),
  };
  env.log('info', 'window started', { stream: id, window: iso(window) });
  await def.source(ctx);
  await Promise.all([...inFlight]);
  if (emitError !== undefined) throw emitError;
  if (signal.aborted) throw new AbortError(signal.reason);
  // A window collected again may have fewer pages than before (a smaller page count, data the
  // vendor dropped): its leftover pages would duplicate records, so they go.
  if (dest.list && dest.delete) {
    for (const name of await dest.list(windowPrefix(id, window), { signal })) {
      if (names.has(name)) continue;
      await dest.delete(name, { signal });
      env.log('info', 'stale object removed', { stream: id, window: iso(window), object: `${dest.location}${name}` });
    }
  }
}
