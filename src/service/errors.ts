/**
 * The service's errors, and the one place that maps any error to an HTTP answer: status,
 * headers and the message a client may see. Routes throw; they never build error answers.
 */
import { FlowdigestError, InvalidOptionError, optionMessage, QueueFullError } from '../errors.js';

const LIBRARY_PREFIX = 'options.';

export { WindowError } from './window.js';

/** An answer other than success, with the status and a message for the client. */
export class HttpError extends FlowdigestError {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly body?: Record<string, unknown>,
  ) {
    super('FD_ERR_HTTP', message);
  }
}

/** The service is stopping: no new requests or jobs (503 with Retry-After). */
export class StoppingError extends FlowdigestError {
  constructor(message = 'the service is stopping') {
    super('FD_ERR_STOPPING', message);
  }
}

/** A job could not be handed to the queue (502). `key` is the queue URL without credentials, when known. */
export class QueueError extends FlowdigestError {
  constructor(message: string, context: { key?: string } = {}, options?: { cause?: unknown }) {
    super('FD_ERR_QUEUE', message, context, options);
  }
}

/** Why a request was refused before its route ran. */
export type AuthFailure = 'missing' | 'unknown' | 'scope' | 'rate_limited';

/**
 * Authentication refused: 401 (no token, or an unknown one), 403 (the token lacks the scope),
 * 429 (too many failures from the client's address). The message never says which token.
 */
export class AuthError extends FlowdigestError {
  readonly status: 401 | 403 | 429;
  constructor(
    override readonly reason: AuthFailure,
    readonly retryAfter?: number,
  ) {
    super('FD_ERR_AUTH', AUTH_MESSAGES[reason]);
    this.status = reason === 'scope' ? 403 : reason === 'rate_limited' ? 429 : 401;
  }
}

const AUTH_MESSAGES: Record<AuthFailure, string> = {
  // 401 says the same for a missing and an unknown token.
  missing: 'missing or invalid bearer token',
  unknown: 'missing or invalid bearer token',
  scope: 'the token does not allow this operation',
  rate_limited: 'too many failed authentication attempts from this address; try again later',
};

/** The audit package's code for a full spool (src/audit): the service answers 503 rather than lose events. */
export const AUDIT_SPOOL_FULL = 'FD_ERR_AUDIT_SPOOL_FULL';

/** Whether `err` is the audit spool refusing an event. */
export function isAuditFull(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === AUDIT_SPOOL_FULL;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: unknown;
  validationContext?: string;
}

/** The HTTP status for an error: the one mapping every route and hook goes through. */
export function statusOf(err: unknown): number {
  if (err instanceof HttpError || err instanceof AuthError) return err.status;
  if (isAuditFull(err)) return 503;
  if (err instanceof FlowdigestError) {
    switch (err.code) {
      case 'FD_ERR_WINDOW':
      case 'FD_ERR_INVALID_OPTION':
      // An SVG or HTML graph over the edge limit: the client narrows it with `top`.
      case 'FD_ERR_GRAPH_LIMIT':
        return 400;
      case 'FD_ERR_QUEUE_FULL':
      case 'FD_ERR_STOPPING':
        return 503;
      case 'FD_ERR_QUEUE':
        return 502;
      default:
        return 500;
    }
  }
  const f = err as FastifyLikeError | null;
  if (f?.validation !== undefined) return f.validationContext === 'params' ? 404 : 400;
  if (f?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 413;
  if (f?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 415;
  // Fastify's own client errors (a malformed request, an empty JSON body): their status stands.
  if (
    typeof f?.statusCode === 'number' &&
    f.statusCode >= 400 &&
    f.statusCode < 500 &&
    f.code?.startsWith('FST_') === true
  )
    return f.statusCode;
  return 500;
}

/** Headers that go with the error's status (Retry-After, Allow, WWW-Authenticate, ...). */
export function headersOf(err: unknown): Record<string, string> {
  if (err instanceof HttpError) return err.headers;
  if (err instanceof AuthError) {
    if (err.status === 401) return { 'www-authenticate': 'Bearer' };
    if (err.status === 429) return { 'retry-after': String(err.retryAfter ?? 60) };
    return {};
  }
  if (err instanceof QueueFullError) return { 'retry-after': String(err.retryAfter) };
  if (err instanceof StoppingError) return { 'retry-after': '5', connection: 'close' };
  if (isAuditFull(err)) return { 'retry-after': '5' };
  return {};
}

/** The message a client sees: the error's own for expected errors, never internals for a 500. */
export function publicMessage(err: unknown, status: number): string {
  if (err instanceof HttpError) return err.message;
  if (isAuditFull(err))
    return `the audit spool is full, so the service cannot record this request: try again later (${(err as Error).message})`;
  if (status === 500) return err instanceof FlowdigestError ? `${err.message} [${err.code}]` : 'internal error';
  // A library option's fault reads, to a client, as the parameter it set: `top`, not `options.top`.
  if (err instanceof InvalidOptionError && err.option.startsWith(LIBRARY_PREFIX))
    return optionMessage(err.option.slice(LIBRARY_PREFIX.length), err.reason, err.value);
  if (err instanceof Error) return err.message;
  return String(err);
}
