/**
 * `POST /{topic}/{event}`: the worker. The body `{id,start,stop}` is validated as strictly as
 * a query (the window truncated and checked, the ID recomputed), then the job digests EXACTLY
 * the window (records whose `end` is in [start, stop)), stores it and clears its marker.
 * Synchronous by default (204 once stored, 500 if it failed, so an event bus can retry);
 * `Prefer: respond-async` gets 202 once the job is accepted (standalone mode uses that).
 */
import { HttpError, readBody, type RequestContext, type Route, sendEmpty, sendJson } from '../http.js';
import { parseWindow, WindowError } from '../ids.js';
import { StoppingError } from '../jobs.js';
import { type ServiceState, statusBody } from '../state.js';

const FIELDS = ['id', 'start', 'stop'];

function parseJob(state: ServiceState, body: Buffer) {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `the body is not JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'the body must be a JSON object {id, start, stop}');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.includes(k)) throw new HttpError(400, `body.${k.slice(0, 32)} is not a field of a job (id, start, stop)`);
  for (const k of FIELDS) if (typeof o[k] !== 'string') throw new HttpError(400, `body.${k} must be a string`);
  let w;
  try {
    w = parseWindow(o.start as string, o.stop as string, { maxWindowMs: state.maxWindow }, { start: 'body.start', stop: 'body.stop' });
  } catch (err) {
    if (err instanceof WindowError) throw new HttpError(400, err.message);
    throw err;
  }
  if (o.id !== w.id) throw new HttpError(400, `body.id '${(o.id as string).slice(0, 40)}' is not the ID of the window ${w.start}/${w.stop} (${w.id})`);
  return w;
}

function wantsAsync(prefer: string | undefined): boolean {
  return typeof prefer === 'string' && prefer.split(',').some((p) => p.trim().toLowerCase().split(';')[0].trim() === 'respond-async');
}

export function workerRoutes(state: ServiceState): Route[] {
  const handle = async (ctx: RequestContext): Promise<void> => {
    const type = ctx.req.headers['content-type'];
    if (type !== undefined && !/^application\/json\s*(;.*)?$/i.test(type)) throw new HttpError(415, `Content-Type '${type.slice(0, 64)}' is not application/json`);
    const w = parseJob(state, await readBody(ctx.req, state.maxBodyBytes));
    const job = { id: w.id, start: w.start, stop: w.stop };
    ctx.log.info('job received', { id: w.id, topic: ctx.params.topic, event: ctx.params.event });
    // Stored already (a redelivery, or another instance made it): nothing to queue.
    if (await state.storage.has(w.id)) {
      sendEmpty(ctx.res, 204);
      return;
    }
    let done;
    try {
      ({ done } = await state.runner.submit(job, ctx.requestId));
    } catch (err) {
      if (err instanceof StoppingError) throw new HttpError(503, err.message, { 'retry-after': '5' });
      throw err;
    }
    if (wantsAsync(ctx.req.headers.prefer as string | undefined)) {
      sendJson(ctx.res, 202, statusBody(w, 'queued'), { 'preference-applied': 'respond-async' });
      return;
    }
    // The job may run for minutes: no idle timeout while it does.
    ctx.req.socket.setTimeout(0);
    const outcome = await done;
    if (outcome.state === 'completed' || outcome.state === 'skipped') sendEmpty(ctx.res, 204);
    else if (outcome.state === 'aborted') throw new HttpError(503, 'the service shut down before the job finished; its marker will expire', { 'retry-after': '5' });
    else throw new HttpError(500, `the job failed: ${outcome.error.message}`);
  };
  return [{ name: 'worker', method: 'POST', path: '/{topic}/{event}', auth: true, handle }];
}
