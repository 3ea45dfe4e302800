/**
 * The auditor's options, as given and after defaults: a module of their own, so validate.ts
 * reads them without importing the auditor that imports it.
 */
import type { Registry } from 'prom-client';
import type { AuditEventFilter } from './events.js';
import type { AuditLogger } from './logger.js';
import type { AuditSink } from './types.js';
import type { OptionSchema } from '../util/option-schema.js';

/** Options of {@link createAuditor}. */
export interface AuditorOptions {
  /** Which events to record: an `--audit-events` list or a parsed filter. @default `*:*` */
  events?: string | AuditEventFilter;
  /** Where events go; at least one, with distinct names (the name keys the sink's position). */
  sinks: AuditSink[];
  /** The spool directory (created if missing). One process at a time. */
  spoolDir: string;
  /**
   * Bytes of events not yet delivered to every sink, at most; `record` rejects beyond it. Memory
   * holds the same events, so this is also the memory ceiling. Disk use is at most this plus one
   * segment (a quarter of it, up to 8 MiB) of delivered events. @default 64 MiB
   */
  spoolMaxBytes?: number;
  /** Events per batch sent to a sink, at most (1-10000). @default 100 */
  batchSize?: number;
  /** A smaller batch is sent once its oldest event is this old (ms, 1 to 3600000). @default 1000 */
  flushMs?: number;
  /** One `send` is aborted (through its signal) and retried after this many ms. @default 120000 */
  maxDeliveryMs?: number;
  /** First wait before retrying a failed batch from the spool; doubles per failure, with jitter. @default 1000 */
  retryBaseMs?: number;
  /** Longest wait between retries of a failed batch. @default 60000 */
  retryMaxMs?: number;
  /** Largest serialised event accepted by `record` (bytes). @default 65536, or spoolMaxBytes when smaller */
  maxEventBytes?: number;
  /** prom-client registry the metrics go into. @default a registry of its own (see `auditor.registry`) */
  registry?: Registry;
  /** pino-compatible logger for failures and warnings. @default JSON lines on stderr */
  logger?: AuditLogger;
  /** Clock for event timestamps (ms since the epoch). @default Date.now */
  now?: () => number;
}

/** The values of {@link AuditorOptions} after defaults. */
export interface ResolvedAuditorOptions {
  filter: AuditEventFilter;
  sinks: AuditSink[];
  spoolDir: string;
  spoolMaxBytes: number;
  batchSize: number;
  flushMs: number;
  maxDeliveryMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxEventBytes: number;
  registry: Registry;
  logger: AuditLogger;
  now: () => number;
}

/**
 * The auditor's numeric options, written once: {@link validateAuditOptions} checks them from
 * here, and serve's `--audit-*` settings take their bounds and defaults from here.
 */
export const AUDITOR_OPTIONS = {
  spoolMaxBytes: {
    type: 'size',
    min: 1024,
    max: 2 ** 40,
    flag: null,
    help: 'Undelivered events held at most; beyond it record() refuses (AuditSpoolFullError)',
    default: 64 * 1024 * 1024,
  },
  batchSize: {
    type: 'int',
    min: 1,
    max: 10_000,
    flag: null,
    help: 'Events per batch sent to a sink, at most',
    default: 100,
  },
  flushMs: {
    type: 'duration',
    min: 1,
    max: 3_600_000,
    flag: null,
    help: 'A smaller batch is sent once its oldest event is this old',
    default: 1000,
  },
  maxDeliveryMs: {
    type: 'duration',
    min: 1,
    max: 3_600_000,
    flag: null,
    help: 'One send is aborted (through its signal) and retried after this long',
    default: 120_000,
  },
  retryBaseMs: {
    type: 'duration',
    min: 1,
    max: 3_600_000,
    flag: null,
    help: 'First wait before retrying a failed batch; doubles per failure, with jitter',
    default: 1000,
  },
  retryMaxMs: {
    type: 'duration',
    min: 1,
    max: 3_600_000,
    flag: null,
    help: 'Longest wait between retries of a failed batch (at least retryBaseMs)',
    default: 60_000,
  },
  maxEventBytes: {
    type: 'size',
    min: 256,
    flag: null,
    help: 'Largest serialised event record() accepts (at most spoolMaxBytes)',
    default: 65_536,
  },
} as const satisfies OptionSchema;
