/**
 * `POST /?start=&stop=` queues a digest; `GET /?start=&stop=[&format=]` serves it. Both are
 * compatible with vpcflow-digesterd (202/409/400, 200/204/404/400), minus its bugs: the marker
 * is written BEFORE the job is queued, the window is truncated before it is validated, and a
 * gzip body goes out as Content-Encoding, not as octets.
 */
import { writeGraph } from '../../graph/graph.js';
import { QueueFullError } from '../../errors.js';
import { HttpError, type RequestContext, type Route, sendJson } from '../http.js';
import { errorFields } from '../log.js';
import { type ServiceState, statusBody, windowFromQuery, windowStatus } from '../state.js';
import { sendRendered, sendStored } from './encoding.js';
import { loadDigest, notStored, SVG_MAX_EDGES } from './render.js';

const FORMATS = ['text', 'ndjson', 'dot', 'svg', 'stats'] as const;
type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES = {
  text: 'text/plain; charset=utf-8',
  ndjson: 'application/x-ndjson',
  dot: 'text/vnd.graphviz; charset=utf-8',
  svg: 'image/svg+xml',
} as const;

export function choice<T extends string>(query: Map<string, string>, name: string, choices: readonly T[], dflt: T): T {
  const v = query.get(name);
  if (v === undefined) return dflt;
  if (!(choices as readonly string[]).includes(v)) throw new HttpError(400, `${name} '${v.slice(0, 32)}' must be one of ${choices.join(', ')}`);
  return v as T;
}

export function digestRoutes(state: ServiceState): Route[] {
  const post = async (ctx: RequestContext): Promise<void> => {
    const w = windowFromQuery(state, ctx.query);
    const job = { id: w.id, start: w.start, stop: w.stop };
    // One check-mark-queue at a time per window here, so concurrent POSTs queue one job.
    const answer = await state.locks.with(w.id, async () => {
      const s = await windowStatus(state, w.id);
      if (s.status === 'complete' || s.status === 'in_progress') return { status: 409, body: statusBody(w, s.status) };
      // Marked first: a worker fast enough to finish before enqueue returns clears a marker
      // that already exists, instead of having its clear overwritten (the Go service's bug).
      const record = { ...job, state: 'in_progress' as const, updatedAt: state.now() };
      if (state.marker.claim !== undefined) {
        // Markers shared between processes: another one may have claimed the window just now.
        if (!(await state.marker.claim(record, state.now() - state.progressTimeout))) return { status: 409, body: statusBody(w, 'in_progress') };
      } else {
        await state.marker.set(record);
      }
      try {
        await state.queuer.enqueue(job, { requestId: ctx.requestId });
      } catch (err) {
        await state.marker.clear(w.id).catch((e: unknown) => ctx.log.warn('marker clear failed', { id: w.id, ...errorFields(e) }));
        if (err instanceof QueueFullError) throw err;
        if (err instanceof HttpError) throw err;
        if ((err as Error)?.name === 'StoppingError') throw new HttpError(503, 'the service is shutting down', { 'retry-after': '5' });
        ctx.log.error('queueing failed', { id: w.id, ...errorFields(err) });
        throw new HttpError(502, `could not queue the job: ${(err as Error)?.message ?? String(err)}`);
      }
      return { status: 202, body: statusBody(w, 'queued') };
    });
    const location = `/?start=${encodeURIComponent(w.start)}&stop=${encodeURIComponent(w.stop)}`;
    sendJson(ctx.res, answer.status, answer.body, answer.status === 202 ? { location } : {});
  };

  const get = async (ctx: RequestContext): Promise<void> => {
    const w = windowFromQuery(state, ctx.query);
    const format: Format = choice(ctx.query, 'format', FORMATS, 'text');
    if (format === 'text' || format === 'ndjson') {
      const stored = await state.storage.open(w.id, format);
      if (stored === undefined) return notStored(state, w);
      await sendStored(ctx.req, ctx.res, stored, CONTENT_TYPES[format]);
      return;
    }
    if (format === 'stats') {
      const meta = await state.storage.meta(w.id);
      if (meta === undefined) return notStored(state, w);
      sendJson(ctx.res, 200, meta);
      return;
    }
    await state.renders.with(async () => {
      const digest = await loadDigest(state, w);
      if (format === 'svg' && digest.size > SVG_MAX_EDGES) {
        throw new HttpError(400, `format svg: the digest has ${digest.size} edges; SVG is rendered for at most ${SVG_MAX_EDGES} (use /graph with top or filters)`);
      }
      await sendRendered(ctx.req, ctx.res, CONTENT_TYPES[format], (out) => writeGraph(digest, out, { format }));
    });
  };

  return [
    { name: 'digest', method: 'GET', path: '/', auth: true, handle: get },
    { name: 'digest', method: 'POST', path: '/', auth: true, handle: post },
  ];
}
