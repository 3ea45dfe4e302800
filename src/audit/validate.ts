/**
 * Validation of {@link AuditorOptions}, once, at the edge: TypeError-style messages for a wrong
 * type and RangeError-style ones for a bad range, each naming the option (`options.batchSize must
 * be an integer from 1 to 10000`).
 */
import { Registry } from 'prom-client';
import { InvalidOptionError } from '../errors.js';
import { AUDITOR_OPTIONS, type AuditorOptions, type ResolvedAuditorOptions } from './options.js';
import { checkInteger } from '../util/parse.js';
import type { OptionSpec } from '../util/option-schema.js';
import { parseAuditEvents, type AuditEventFilter } from './events.js';
import { stderrLogger, type AuditLogger } from './logger.js';
import type { AuditSink } from './types.js';

/** Sink names key positions in the spool and label metrics. */
const SINK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

type Numeric = keyof typeof AUDITOR_OPTIONS;

/** An option checked against AUDITOR_OPTIONS; `bounds` and `dflt` narrow those that depend on another option. */
function int(name: Numeric, value: unknown, narrowed: { min?: number; max?: number; default?: number } = {}): number {
  const spec: OptionSpec = AUDITOR_OPTIONS[name];
  return checkInteger(
    `options.${name}`,
    value,
    { min: narrowed.min ?? spec.min, max: narrowed.max ?? spec.max },
    narrowed.default ?? (spec.default as number),
  );
}

function filterOf(events: unknown): AuditEventFilter {
  if (events === undefined || typeof events === 'string') return parseAuditEvents(events ?? '*:*', 'options.events');
  const f = events as AuditEventFilter;
  if (f !== null && typeof f === 'object' && typeof f.selects === 'function' && typeof f.events === 'function')
    return f;
  throw new InvalidOptionError(
    'options.events',
    'must be a noun:verb list (e.g. "*:*") or a filter from parseAuditEvents',
  );
}

function sinksOf(sinks: unknown): AuditSink[] {
  if (!Array.isArray(sinks) || sinks.length === 0) {
    throw new InvalidOptionError(
      'options.sinks',
      'must be a non-empty array of sinks (without a sink the spool would only fill up)',
    );
  }
  const seen = new Set<string>();
  for (const [i, s] of sinks.entries()) {
    const name = `options.sinks[${i}]`;
    if (s === null || typeof s !== 'object')
      throw new InvalidOptionError(name, 'must be an object with name and send()');
    const sink = s as AuditSink;
    if (typeof sink.name !== 'string' || !SINK_NAME.test(sink.name)) {
      throw new InvalidOptionError(
        `${name}.name`,
        'must be 1-64 characters of A-Z, a-z, 0-9, _ . : - (starting with a letter or digit)',
      );
    }
    if (seen.has(sink.name))
      throw new InvalidOptionError(
        `${name}.name`,
        `'${sink.name}' is used by another sink; give each sink its own name (it keys the sink's position in the spool)`,
      );
    seen.add(sink.name);
    if (typeof sink.send !== 'function') throw new InvalidOptionError(`${name}.send`, 'must be a function');
    if (sink.close !== undefined && typeof sink.close !== 'function')
      throw new InvalidOptionError(`${name}.close`, 'must be a function when given');
  }
  return sinks as AuditSink[];
}

function loggerOf(logger: unknown): AuditLogger {
  if (logger === undefined) return stderrLogger();
  const l = logger as Record<string, unknown> | null;
  if (l === null || typeof l !== 'object' || ['info', 'warn', 'error'].some((k) => typeof l[k] !== 'function')) {
    throw new InvalidOptionError('options.logger', 'must have info, warn and error methods (pino fits)');
  }
  return logger as AuditLogger;
}

/** Check every option and apply defaults. */
export function validateAuditOptions(options: AuditorOptions): ResolvedAuditorOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
  const o = options as unknown as Record<string, unknown>;
  if (typeof o.spoolDir !== 'string' || o.spoolDir === '' || o.spoolDir.includes('\0')) {
    throw new InvalidOptionError('options.spoolDir', 'must be a directory path');
  }
  const spoolMaxBytes = int('spoolMaxBytes', o.spoolMaxBytes);
  const retryBaseMs = int('retryBaseMs', o.retryBaseMs);
  const retryMaxMs = int('retryMaxMs', o.retryMaxMs, {
    min: retryBaseMs,
    default: Math.max(AUDITOR_OPTIONS.retryMaxMs.default, retryBaseMs),
  });
  if (o.registry !== undefined && !(o.registry instanceof Registry))
    throw new InvalidOptionError('options.registry', 'must be a prom-client Registry');
  if (o.now !== undefined && typeof o.now !== 'function')
    throw new InvalidOptionError('options.now', 'must be a function returning ms since the epoch');
  return {
    filter: filterOf(o.events),
    sinks: sinksOf(o.sinks),
    spoolDir: o.spoolDir,
    spoolMaxBytes,
    batchSize: int('batchSize', o.batchSize),
    flushMs: int('flushMs', o.flushMs),
    maxDeliveryMs: int('maxDeliveryMs', o.maxDeliveryMs),
    retryBaseMs,
    retryMaxMs,
    maxEventBytes: int('maxEventBytes', o.maxEventBytes, {
      max: spoolMaxBytes,
      default: Math.min(AUDITOR_OPTIONS.maxEventBytes.default, spoolMaxBytes),
    }),
    registry: (o.registry as Registry | undefined) ?? new Registry(),
    logger: loggerOf(o.logger),
    now: (o.now as (() => number) | undefined) ?? Date.now,
  };
}
