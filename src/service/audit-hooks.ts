/** The routes' audit hooks: events recorded before the answer, and writes refused while the spool is full. */
import type { FastifyRequest } from 'fastify';
import type { AuditInput } from '../audit/types.js';
import { HttpError } from './errors.js';
import type { ServiceState } from './state.js';

/**
 * Record an audit event for the request, before it is answered. A rejection (a full spool,
 * FD_ERR_AUDIT_SPOOL_FULL) propagates: the request is answered 503 rather than left unrecorded.
 */
export async function audit(
  state: ServiceState,
  request: FastifyRequest,
  event: Omit<AuditInput, 'actor'>,
): Promise<void> {
  // A HEAD sends no content, so it reads nothing; but a refused HEAD is a denial like any other.
  if (state.auditor === undefined || (request.method === 'HEAD' && event.action === 'read')) return;
  await state.auditor.record({ ...event, actor: request.actor });
}

/** Refuse a write while the audit spool is full: nothing is done that could not be recorded. */
export function assertAuditRoom(state: ServiceState): void {
  if (state.auditor?.full === true) {
    throw new HttpError(503, 'the audit spool is full, so the service cannot record this request: try again later', {
      'retry-after': '5',
    });
  }
}
