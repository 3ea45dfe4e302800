/**
 * `POST /{topic}/{event}`: the worker. The body `{id,start,stop}` is validated as strictly as
 * a query (the window truncated and checked, closed, the ID recomputed), then the job digests
 * EXACTLY the window (records whose `end` is in [start, stop)), stores it and clears its
 * marker. Only this service's topic is answered (404 on another). Synchronous by default (204
 * once stored, 500 if it failed, so an event bus can retry); `Prefer: respond-async` gets 202
 * once the job is accepted (standalone mode uses that).
 */
import type { FastifyInstance } from 'fastify';
import { assertAuditRoom } from '../audit-hooks.js';
import { HttpError, StoppingError } from '../errors.js';
import { parseWindow } from '../window.js';
import { COMMON, empty, error, json, ref, scoped, security } from '../schemas.js';
import { assertClosed, type ServiceState, statusBody } from '../state.js';
import { URL_SEGMENT } from '../../util/patterns.js';

const SEGMENT = URL_SEGMENT.source;

function wantsAsync(prefer: string | undefined): boolean {
  return (
    typeof prefer === 'string' &&
    prefer.split(',').some((p) => p.trim().toLowerCase().split(';')[0].trim() === 'respond-async')
  );
}

/** Register the route (in its own plugin scope: it parses its body itself). */
export function workerRoutes(app: FastifyInstance, state: ServiceState): void {
  // Any or no Content-Type reaches the parser, which answers 415 and 400 in its own words.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined && !/^application\/json\s*(;.*)?$/i.test(type)) {
      done(new HttpError(415, `Content-Type '${type.slice(0, 64)}' is not application/json`), undefined);
      return;
    }
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch (err) {
      done(new HttpError(400, `the body is not JSON: ${(err as Error).message}`), undefined);
    }
  });
  const worker = security('worker');

  app.route({
    method: 'POST',
    url: '/:topic/:event',
    config: { name: 'worker', scope: 'worker' },
    bodyLimit: state.maxBodyBytes,
    schema: {
      operationId: 'runDigestJob',
      summary: 'The worker: digest exactly the window of the job, store it, clear its marker.',
      description: [
        'Records whose end is in [start, stop) are digested. Posted by the queue (an event bus, or this service itself).',
        'With `Prefer: respond-async` it answers 202 once the job is accepted; otherwise 204 once the digest is stored.',
        'A job whose digest is already stored answers at once. Only closed windows are digested.',
        worker.note,
      ].join('\n'),
      security: worker.security,
      params: {
        type: 'object',
        required: ['topic', 'event'],
        properties: {
          topic: {
            type: 'string',
            enum: [state.topic],
            description: "This service's queue topic (--topic); another answers 404.",
          },
          event: { type: 'string', pattern: SEGMENT, description: 'Event name (letters, digits, . _ ~ -).' },
        },
      },
      headers: {
        type: 'object',
        properties: {
          prefer: { type: 'string', description: '`respond-async` to be answered once the job is accepted.' },
        },
      },
      body: ref('DigestJob'),
      response: scoped('worker', {
        202: json(ref('DigestStatus'), 'Accepted (with `Prefer: respond-async`).'),
        204: empty('The digest is stored.'),
        400: COMMON[400],
        404: error("No such route: the topic is not this service's."),
        413: error(`The body is larger than the limit (${state.maxBodyBytes} bytes).`),
        415: error('The body is not application/json.'),
        500: error('The job failed; the message says why. Its marker says failed until a new POST queues it again.'),
        503: COMMON[503],
      }),
    },
    handler: async (request, reply) => {
      const body = request.body as { id: string; start: string; stop: string };
      const names = { start: 'body.start', stop: 'body.stop' };
      const w = parseWindow(body.start, body.stop, { maxWindowMs: state.maxWindow }, names);
      assertClosed(state, w, names.stop);
      if (body.id !== w.id)
        throw new HttpError(
          400,
          `body.id '${body.id.slice(0, 40)}' is not the ID of the window ${w.start}/${w.stop} (${w.id})`,
        );
      const params = request.params as { topic: string; event: string };
      state.logger.info('job received', { request_id: request.id, id: w.id, topic: params.topic, event: params.event });
      assertAuditRoom(state);
      // Stored already (a redelivery, or another instance made it): nothing to queue.
      if (await state.storage.has(w.id)) return reply.code(204).send();
      const { done } = await state.runner.submit({ id: w.id, start: w.start, stop: w.stop }, request.id, {
        actor: request.actor,
      });
      if (wantsAsync(request.headers.prefer as string | undefined)) {
        return reply
          .code(202)
          .headers({ 'preference-applied': 'respond-async', 'cache-control': 'no-store' })
          .send(statusBody(w, 'queued'));
      }
      // The job may run for minutes: no idle timeout while it does.
      request.raw.socket.setTimeout(0);
      const outcome = await done;
      if (outcome.state === 'completed' || outcome.state === 'skipped') return reply.code(204).send();
      if (outcome.state === 'aborted')
        throw new StoppingError('the service stopped before the job finished; its marker will expire');
      throw new HttpError(500, `the job failed: ${outcome.message}`);
    },
  });
}
