/**
 * The audit trail's contract: events in the shape of Flipt's audit package, the auditor that
 * records them durably before a request is answered, and the sink interface deliveries go to.
 */

/** What an event is about. */
export type AuditNoun = 'digest' | 'graph' | 'diff' | 'report' | 'auth';
/** What happened to it. */
export type AuditVerb = 'requested' | 'created' | 'failed' | 'read' | 'denied';

/** Who caused the event. Never carries a token. */
export interface AuditActor {
  /** The token's name from the tokens file, or `anonymous`. */
  name: string;
  /** The client address. */
  ip: string;
  /** `token` when a bearer token was checked, `none` when the service runs without tokens. */
  authentication: 'token' | 'none';
}

/** An event as a caller hands it to {@link Auditor.record}. */
export interface AuditInput {
  type: AuditNoun;
  action: AuditVerb;
  actor: AuditActor;
  /** Facts about the event (window, digest id, route, reason). Never a secret. */
  payload: Record<string, unknown>;
  status: 'success' | 'failure';
}

/** An event as stored in the spool and delivered to sinks. */
export interface AuditEvent {
  /** A UUID; receivers drop repeats by it (delivery is at least once). */
  id: string;
  version: '0.1';
  type: AuditNoun;
  action: AuditVerb;
  metadata: { actor: AuditActor };
  payload: Record<string, unknown>;
  /** RFC 3339, UTC. */
  timestamp: string;
  status: 'success' | 'failure';
}

/** Where batches of events are delivered. A sink either delivers the whole batch or throws. */
export interface AuditSink {
  /** A short name for logs and metrics, e.g. `log`, `webhook`, `store`. */
  readonly name: string;
  /**
   * Deliver a batch. Throwing leaves the batch in the spool for a later retry. A sink that set
   * events aside instead of delivering them (a dead-letter file) says how many in the result.
   */
  send(events: readonly AuditEvent[], signal?: AbortSignal): Promise<void | AuditSendResult>;
  /** Release resources. */
  close?(): Promise<void>;
}

/** What {@link AuditSink.send} may report beyond success. */
export interface AuditSendResult {
  /** Events of the batch written to a dead-letter file rather than delivered (counted as `dead_lettered`). */
  deadLettered?: number;
}

/** Room held by {@link Auditor.reserve}: record the event with it, or release it. */
export interface AuditReservation {
  /** Record the event in the held room (like {@link Auditor.record}); the room is used up. */
  record(event: AuditInput): Promise<AuditEvent | undefined>;
  /** Give the room back unused (the event will not be recorded); idempotent. */
  release(): void;
}

/** Records events durably and delivers them to every sink from the spool. */
export interface Auditor {
  /**
   * Append the event to the spool with fsync, then resolve with it; resolve with `undefined`
   * when the event filter (`--audit-events`) does not select it. Rejects with an error of code
   * `FD_ERR_AUDIT_SPOOL_FULL` when the spool has no room.
   */
  record(event: AuditInput): Promise<AuditEvent | undefined>;
  /**
   * Hold spool room for one event of at most `bytes` to be recorded later (a job's completion,
   * promised when the job is accepted), so it cannot be refused for lack of room. Throws
   * `FD_ERR_AUDIT_SPOOL_FULL` when the room is not there: the caller refuses the action instead.
   * Optional for custom auditors; without it, a completion event can be refused when the
   * spool fills between a job's acceptance and its end (it is then logged).
   */
  reserve?(bytes: number): AuditReservation;
  /** Whether `type:action` is selected by the event filter. */
  selects(type: AuditNoun, action: AuditVerb): boolean;
  /** True while the spool is full: the service answers 503 to new writes. */
  readonly full: boolean;
  /** Deliver what is spooled within `graceMs`, then stop; undelivered events stay in the spool. */
  close(graceMs?: number): Promise<void>;
  /** The auditor's metrics, which a service exposes beside its own on /metrics. */
  readonly registry?: import('prom-client').Registry;
}
