/**
 * `createAuditor`: record events durably in the spool, deliver them to every sink from it.
 */
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { AuditSpoolError, InvalidOptionError } from '../errors.js';
import { isAuditPair, type AuditEventFilter } from './events.js';
import { AuditMetrics } from './metrics.js';
import { SinkRunner } from './sink-runner.js';
import { Spool, type SpoolHold } from './spool.js';
import type { AuditorOptions, ResolvedAuditorOptions } from './options.js';
import type { AuditEvent, AuditInput, AuditNoun, AuditVerb, Auditor, AuditReservation } from './types.js';
import { validateAuditOptions } from './validate.js';

export type { AuditorOptions, ResolvedAuditorOptions };

/** The auditor {@link createAuditor} returns: the {@link Auditor} contract plus tools for library users. */
export interface SpooledAuditor extends Auditor {
  /** Resolve true once every sink delivered what was recorded before the call, false after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** The registry the metrics went into. */
  readonly registry: Registry;
  /** The filter in use. */
  readonly filter: AuditEventFilter;
}

const ACTOR_AUTH = new Set(['token', 'none']);
const STATUS = new Set(['success', 'failure']);

/**
 * Open the spool (recovering what a crash left: undelivered events are sent again), start one
 * delivery loop per sink, and return the auditor.
 * @throws InvalidOptionError naming the option; AuditEventsError for a bad `events` list;
 *   AuditSpoolError when the spool is damaged or in use by another process.
 */
export async function createAuditor(options: AuditorOptions): Promise<SpooledAuditor> {
  const o = validateAuditOptions(options);
  const spool = await Spool.open({
    dir: o.spoolDir,
    maxBytes: o.spoolMaxBytes,
    segmentBytes: Math.max(4096, Math.min(8 << 20, Math.floor(o.spoolMaxBytes / 4))),
    sinks: o.sinks.map((s) => s.name),
    logger: o.logger,
  });
  const names = o.sinks.map((s) => s.name);
  const metrics = new AuditMetrics(o.registry, {
    depth: () => spool.depth,
    sinks: () => names,
    oldestUndelivered: (sink) => {
      const at = spool.recordedAt(spool.position(sink));
      return at === undefined ? 0 : Math.max(0, Date.now() - at) / 1000;
    },
  });
  const runners = o.sinks.map((sink) => new SinkRunner(sink, spool, o, metrics, o.logger));
  spool.onAppend(() => {
    for (const r of runners) r.notify();
  });
  const backlog = spool.depth.events;
  if (backlog > 0)
    o.logger.info(
      { spool: o.spoolDir, events: backlog },
      'audit spool holds undelivered events from a previous run; sending them',
    );
  for (const r of runners) r.start();

  let closing: Promise<void> | undefined;

  const record = async (input: AuditInput, hold?: SpoolHold): Promise<AuditEvent | undefined> => {
    if (closing !== undefined)
      throw new AuditSpoolError('the auditor is closed; no more events are recorded', { key: o.spoolDir });
    checkInput(input);
    if (!o.filter.selects(input.type, input.action)) {
      if (hold !== undefined) spool.release(hold);
      metrics.recorded.inc({ outcome: 'filtered' });
      return undefined;
    }
    const event: AuditEvent = {
      id: randomUUID(),
      version: '0.1',
      type: input.type,
      action: input.action,
      metadata: { actor: { name: input.actor.name, ip: input.actor.ip, authentication: input.actor.authentication } },
      payload: input.payload,
      timestamp: new Date(o.now()).toISOString(),
      status: input.status,
    };
    let line: string;
    try {
      line = `${JSON.stringify(event)}\n`;
    } catch (err) {
      throw new InvalidOptionError('event.payload', `must be JSON-serialisable (${(err as Error).message})`);
    }
    if (Buffer.byteLength(line) > o.maxEventBytes) {
      throw new InvalidOptionError(
        'event.payload',
        `makes the event ${Buffer.byteLength(line)} bytes, over maxEventBytes (${o.maxEventBytes})`,
      );
    }
    try {
      await spool.append(line, hold);
    } catch (err) {
      metrics.recorded.inc({ outcome: 'rejected' });
      throw err;
    }
    metrics.recorded.inc({ outcome: 'spooled' });
    return event;
  };

  const flush = async (timeoutMs = 30_000): Promise<boolean> => {
    const target = spool.end;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(runners.map((r) => r.delivered(target))).then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };

  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      const grace = Number.isFinite(graceMs) && graceMs >= 0 ? graceMs : 10_000;
      const deadline = Date.now() + grace;
      // Events whose record() is still in flight are written first, so the final flush sends them too.
      await spool.settled();
      await Promise.all(runners.map((r) => r.stop(deadline)));
      await spool.close();
      for (const name of names) {
        const left = spool.end - spool.position(name);
        if (left > 0)
          o.logger.warn(
            { sink: name, events: left, spool: o.spoolDir },
            `audit sink ${name} has undelivered events; they stay in the spool for the next start`,
          );
      }
      await Promise.all(
        o.sinks.map(async (sink) => {
          try {
            await sink.close?.();
          } catch (err) {
            o.logger.error(
              { sink: sink.name, err: (err as Error)?.message ?? String(err) },
              `audit sink ${sink.name} failed to close`,
            );
          }
        }),
      );
      metrics.unregister();
    })();
    return closing;
  };

  const reserve = (bytes: number): AuditReservation => {
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > o.maxEventBytes)
      throw new InvalidOptionError('reserve.bytes', `must be an integer from 1 to maxEventBytes (${o.maxEventBytes})`);
    if (closing !== undefined)
      throw new AuditSpoolError('the auditor is closed; no more events are recorded', { key: o.spoolDir });
    const hold = spool.reserve(bytes);
    return {
      record: (input) => {
        if (hold.released) return record(input);
        return record(input, hold).finally(() => spool.release(hold));
      },
      release: () => spool.release(hold),
    };
  };

  return {
    record: (input: AuditInput) => record(input),
    reserve,
    selects: (type: AuditNoun, action: AuditVerb) => o.filter.selects(type, action),
    get full() {
      return spool.full;
    },
    close,
    flush,
    registry: o.registry,
    filter: o.filter,
  };
}

/** The caller's event, checked field by field: it comes from the service's code, and a wrong one must not reach the trail. */
function checkInput(input: AuditInput): void {
  if (input === null || typeof input !== 'object') throw new InvalidOptionError('event', 'must be an object');
  if (!isAuditPair(input.type, input.action)) {
    throw new InvalidOptionError(
      'event.type',
      `'${String(input.type)}:${String(input.action)}' is not an audit event (see AUDIT_EVENTS)`,
    );
  }
  const a = input.actor as unknown as Record<string, unknown> | null;
  if (a === null || typeof a !== 'object') throw new InvalidOptionError('event.actor', 'must be an object');
  if (typeof a.name !== 'string' || a.name === '')
    throw new InvalidOptionError('event.actor.name', 'must be a non-empty string');
  if (typeof a.ip !== 'string') throw new InvalidOptionError('event.actor.ip', 'must be a string');
  if (!ACTOR_AUTH.has(a.authentication as string))
    throw new InvalidOptionError('event.actor.authentication', "must be 'token' or 'none'");
  const p = input.payload as unknown;
  if (p === null || typeof p !== 'object' || Array.isArray(p))
    throw new InvalidOptionError('event.payload', 'must be an object');
  if (!STATUS.has(input.status)) throw new InvalidOptionError('event.status', "must be 'success' or 'failure'");
}
