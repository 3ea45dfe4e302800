/**
 * flowdigest/audit: a Flipt-style audit trail that loses nothing. Events are fsynced to an
 * on-disk spool before `record` resolves and delivered from it to every sink, at least once.
 * Every public name is re-exported here explicitly.
 */
export { createAuditor } from './auditor.js';
export type { AuditorOptions, ResolvedAuditorOptions, SpooledAuditor } from './auditor.js';
export { parseAuditEvents, isAuditPair, AuditEventsError, AUDIT_EVENTS, AUDIT_PAIRS } from './events.js';
export type { AuditEventFilter } from './events.js';
export { sinksFromFlags, WEBHOOK_SECRET_ENV } from './flags.js';
export type { AuditSinkFlags } from './flags.js';
export { stderrLogger } from './logger.js';
export type { AuditLogger } from './logger.js';
export { logSink } from './sinks/log.js';
export type { LogSinkOptions } from './sinks/log.js';
export { storeSink, batchKey } from './sinks/store.js';
export type { StoreSinkOptions } from './sinks/store.js';
export { webhookSink, signBody, retryAfterMs, SIGNATURE_HEADER } from './sinks/webhook.js';
export type { WebhookSinkOptions } from './sinks/webhook.js';
export type {
  AuditActor,
  AuditEvent,
  AuditInput,
  AuditNoun,
  AuditSendResult,
  AuditSink,
  AuditVerb,
  Auditor,
  AuditReservation,
} from './types.js';
export {
  AuditSinkError,
  AuditSpoolError,
  AuditSpoolFullError,
  ConfigError,
  FlowdigestError,
  InvalidOptionError,
} from '../errors.js';
