/**
 * `POST /?start=&stop=` queues a digest; `GET /?start=&stop=[&format=]` serves it. Both are
 * compatible with vpcflow-digesterd (202/409/400, 200/204/404/400), minus its bugs: the marker
 * is written BEFORE the job is queued, the window is truncated before it is validated, and a
 * gzip body goes out as Content-Encoding, not as octets.
 */
import type { FastifyInstance } from 'fastify';
import { writeGraph } from '../../graph/graph.js';
import { FlowdigestError, QueueFullError } from '../../errors.js';
import type { AuditReservation } from '../../audit/types.js';
import { assertAuditRoom, audit } from '../audit-hooks.js';
import { COMPLETION_EVENT_BYTES } from '../jobs.js';
import { HttpError, QueueError, StoppingError } from '../errors.js';
import { errorFields } from '../logger.js';
import { COMMON, empty, error, json, querystring, ref, scoped, security, windowProperties } from '../schemas.js';
import { type ServiceState, statusBody, windowFromQuery, windowStatus } from '../state.js';
import { sendRendered, sendStored } from './encoding.js';
import { loadDigest, MISSING, notStored, SVG_MAX_EDGES } from './render.js';

const FORMATS = ['text', 'ndjson', 'dot', 'svg', 'stats'] as const;
type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES = {
  text: 'text/plain; charset=utf-8',
  ndjson: 'application/x-ndjson',
  dot: 'text/vnd.graphviz; charset=utf-8',
  svg: 'image/svg+xml',
  html: 'text/html; charset=utf-8',
} as const;

const IN_PROGRESS = empty('The digest is being made: ask again later.');

export function digestRoutes(app: FastifyInstance, state: ServiceState): void {
  const read = security('read'),
    write = security('write');

  app.route({
    method: 'GET',
    url: '/',
    config: { name: 'digest', scope: 'read' },
    schema: {
      operationId: 'getDigest',
      summary: 'Fetch the digest of a window.',
      description: `The text digest is stored gzip-compressed and sent with \`Content-Encoding: gzip\` when Accept-Encoding allows it, inflated otherwise; NDJSON likewise. ${read.note}`,
      security: read.security,
      querystring: querystring(
        {
          ...windowProperties('start', 'stop'),
          format: {
            type: 'string',
            enum: FORMATS,
            default: 'text',
            description:
              'text (a v2 flow-log file), ndjson (rows with record counts, then stats), dot or svg (a graph), stats (metadata and statistics).',
          },
        },
        ['start', 'stop'],
      ),
      response: scoped('read', {
        200: {
          description: 'The digest.',
          content: {
            'text/plain': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
            'text/vnd.graphviz': { schema: { type: 'string' } },
            'image/svg+xml': { schema: { type: 'string' } },
            'application/json': { schema: ref('DigestMeta') },
          },
        },
        204: IN_PROGRESS,
        400: COMMON[400],
        404: MISSING,
        500: COMMON[500],
        503: COMMON[503],
      }),
    },
    handler: async (request, reply) => {
      const q = request.query as Record<string, unknown>;
      const w = windowFromQuery(state, q);
      const format = (q.format ?? 'text') as Format;
      const readEvent = () =>
        audit(state, request, {
          type: 'digest',
          action: 'read',
          status: 'success',
          payload: { id: w.id, start: w.start, stop: w.stop, format },
        });
      if (format === 'text' || format === 'ndjson') {
        const stored = await state.storage.open(w.id, format);
        if (stored === undefined) return notStored(state, w);
        try {
          await readEvent();
        } catch (err) {
          stored.body.destroy();
          throw err;
        }
        return sendStored(request, reply, stored, CONTENT_TYPES[format]);
      }
      if (format === 'stats') {
        const meta = await state.storage.meta(w.id);
        if (meta === undefined) return notStored(state, w);
        await readEvent();
        return reply.header('cache-control', 'no-cache').send(meta);
      }
      return state.renders.with(async () => {
        const digest = await loadDigest(state, w);
        if (format === 'svg' && digest.size > SVG_MAX_EDGES) {
          throw new HttpError(
            400,
            `format svg: the digest has ${digest.size} edges; SVG is rendered for at most ${SVG_MAX_EDGES} (use /graph with top or filters)`,
          );
        }
        return sendRendered(
          request,
          reply,
          CONTENT_TYPES[format],
          (out) => writeGraph(digest, out, { format }),
          readEvent,
        );
      });
    },
  });

  app.route({
    method: 'POST',
    url: '/',
    config: { name: 'digest', scope: 'write' },
    schema: {
      operationId: 'createDigest',
      summary: 'Queue the digest of a window.',
      description: `Only closed windows are digested (stop plus the delivery lag before now); an open one is refused with 400. The in-progress marker is written before the job is queued. A marker not refreshed within the progress timeout, or a failed job, is queued again. ${write.note}`,
      security: write.security,
      querystring: querystring(windowProperties('start', 'stop'), ['start', 'stop']),
      response: scoped('write', {
        202: json(ref('DigestStatus'), 'Queued (`queued`).'),
        400: COMMON[400],
        409: json(ref('DigestStatus'), 'Already stored (`complete`) or in progress (`in_progress`).'),
        500: COMMON[500],
        502: error('The queue could not be reached or refused the job.'),
        503: COMMON[503],
      }),
    },
    handler: async (request, reply) => {
      assertAuditRoom(state);
      const w = windowFromQuery(state, request.query as Record<string, unknown>);
      const job = { id: w.id, start: w.start, stop: w.stop };
      const payload = { id: w.id, start: w.start, stop: w.stop };
      const clear = () =>
        state.marker
          .clear(w.id)
          .catch((e: unknown) =>
            state.logger.warn('marker clear failed', { request_id: request.id, id: w.id, ...errorFields(e) }),
          );
      // One check-mark-queue at a time per window here, so concurrent POSTs queue one job.
      const answer = await state.locks.with(w.id, async () => {
        // The completion event's room first: a job accepted (202) always gets its digest:created
        // or digest:failed. No room: 503 before anything is marked or recorded.
        const reservation = state.auditor?.reserve?.(COMPLETION_EVENT_BYTES);
        try {
          return await markAndQueue(reservation);
        } finally {
          // Unless the job took it (an in-process queue), it is not needed here: a job run by
          // another process holds its own.
          if (reservation !== undefined && !state.runner.owns(reservation)) reservation.release();
        }
      });
      async function markAndQueue(reservation: AuditReservation | undefined) {
        const s = await windowStatus(state, w.id);
        if (s.status === 'complete' || s.status === 'in_progress')
          return { status: 409, body: statusBody(w, s.status) };
        // Marked first: a worker fast enough to finish before enqueue returns clears a marker
        // that already exists, instead of having its clear overwritten (the Go service's bug).
        const record = { ...job, state: 'in_progress' as const, updatedAt: state.now() };
        if (state.marker.claim !== undefined) {
          // Markers shared between processes: another one may have claimed the window just now.
          if (!(await state.marker.claim(record, state.now() - state.progressTimeout)))
            return { status: 409, body: statusBody(w, 'in_progress') };
          // Another process's job may have stored the window and cleared its marker between the
          // status read above and this claim (a job stores, then clears): a second job would run.
          if (await state.storage.has(w.id)) {
            await clear();
            return { status: 409, body: statusBody(w, 'complete') };
          }
        } else {
          await state.marker.set(record);
        }
        // Recorded before the job is queued: no job runs that the trail does not show.
        try {
          await audit(state, request, { type: 'digest', action: 'requested', status: 'success', payload });
        } catch (err) {
          await clear();
          throw err;
        }
        try {
          await state.queuer.enqueue(job, {
            requestId: request.id,
            actor: request.actor,
            ...(reservation === undefined ? {} : { reservation }),
          });
        } catch (err) {
          await clear();
          const failure = queueFailure(err);
          await audit(state, request, {
            type: 'digest',
            action: 'failed',
            status: 'failure',
            payload: { ...payload, reason: failure.message },
          }).catch((e: unknown) =>
            state.logger.error('audit record failed', { request_id: request.id, id: w.id, ...errorFields(e) }),
          );
          throw failure;
        }
        return { status: 202, body: statusBody(w, 'queued') };
      }
      if (answer.status === 202)
        reply.header('location', `/?start=${encodeURIComponent(w.start)}&stop=${encodeURIComponent(w.stop)}`);
      return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
    },
  });
}

/** A queueing failure as the error to answer: the queue's own typed errors, else 502 with the reason. */
function queueFailure(err: unknown): FlowdigestError {
  if (err instanceof QueueFullError || err instanceof StoppingError || err instanceof HttpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new QueueError(
    `could not queue the job: ${message}`,
    err instanceof FlowdigestError && err.key !== undefined ? { key: err.key } : {},
    { cause: err },
  );
}
