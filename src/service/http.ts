/**
 * HTTP plumbing on node:http: routing by method and path template, request IDs, bearer-token
 * checks, query validation against the OpenAPI document, body limits, JSON errors, metrics
 * and one log line per request.
 */
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { suggest } from '../cli/args.js';
import { FlowdigestError, InvalidOptionError, QueueFullError } from '../errors.js';
import { errorFields, withFields } from './log.js';
import type { ServiceMetrics } from './metrics.js';
import { queryParameters } from './openapi.js';
import type { Logger } from './types.js';

/** An answer other than success, with the status and a message for the client. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}, readonly body?: Record<string, unknown>) {
    super(message);
    this.name = 'HttpError';
  }
}

/** What a handler gets. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** Validated query: each documented parameter at most once. */
  query: Map<string, string>;
  /** Path parameters of the template. */
  params: Record<string, string>;
  log: Logger;
}

/** One operation. */
export interface Route {
  /** Metrics and log label (fixed, low cardinality). */
  name: string;
  method: 'GET' | 'POST';
  /** OpenAPI path template, e.g. `/{topic}/{event}`. */
  path: string;
  /** Whether a configured token is required. */
  auth: boolean;
  handle(ctx: RequestContext): Promise<void>;
}

/** Path parameters: letters, digits and `._~-` (unreserved URL characters; no percent-escapes). */
const SEGMENT = /^[A-Za-z0-9._~-]{1,128}$/;
/** A client's X-Request-Id is kept when it looks like an ID; otherwise a new UUID is used. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function match(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/'), p = path.split('/');
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const m = /^\{(\w+)\}$/.exec(t[i]);
    if (m !== null) {
      if (!SEGMENT.test(p[i])) return undefined;
      params[m[1]] = p[i];
    } else if (t[i] !== p[i]) {
      return undefined;
    }
  }
  return params;
}

/** Send JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Send an empty answer (204). */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end();
}

/** Read a request body of at most `limit` bytes (413 beyond, decided from Content-Length when sent). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `the body is larger than ${limit} bytes`, { connection: 'close' });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface RouterOptions {
  routes: Route[];
  metrics: ServiceMetrics;
  logger: Logger;
  token?: string;
  /** True once the service is stopping: every route but /healthz answers 503. */
  stopping: () => boolean;
}

/** The request listener. */
export function createRouter(o: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const tokenHash = o.token === undefined ? undefined : createHash('sha256').update(o.token).digest();
  const authorized = (req: IncomingMessage): boolean => {
    if (tokenHash === undefined) return true;
    const m = /^Bearer ([^\s]+)$/i.exec(req.headers.authorization ?? '');
    // Hashing first gives equal lengths for the constant-time comparison.
    return m !== null && timingSafeEqual(createHash('sha256').update(m[1]).digest(), tokenHash);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const began = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    let routeName = 'unknown';
    res.once('close', () => {
      const status = res.statusCode;
      const seconds = (performance.now() - began) / 1000;
      o.metrics.requests.inc({ route: routeName, method: knownMethod(req.method), status: String(status) });
      o.metrics.requestSeconds.observe(seconds, { route: routeName });
      const fields = { request_id: requestId, method: req.method, route: routeName, status, ms: Math.round(seconds * 10000) / 10, ...(res.writableFinished ? {} : { aborted: true }) };
      if (status >= 500) o.logger.warn('request', fields);
      else o.logger.info('request', fields);
    });

    const run = async (): Promise<void> => {
      // Split by hand: `new URL('//x/?a', base)` would read `x` as a host and route to `/`.
      const raw = req.url ?? '/';
      const mark = raw.indexOf('?');
      const pathname = mark < 0 ? raw : raw.slice(0, mark);
      const search = new URLSearchParams(mark < 0 ? '' : raw.slice(mark + 1));
      const candidates = o.routes.map((r) => ({ r, params: match(r.path, pathname) })).filter((c) => c.params !== undefined);
      if (candidates.length === 0) throw new HttpError(404, `no route ${pathname.slice(0, 200)}`);
      const hit = candidates.find((c) => c.r.method === req.method);
      if (hit === undefined) {
        const allow = [...new Set(candidates.map((c) => c.r.method))].join(', ');
        throw new HttpError(405, `${req.method} is not allowed on ${candidates[0].r.path}; use ${allow}`, { allow });
      }
      const route = hit.r;
      routeName = route.name;
      if (o.stopping() && route.name !== 'healthz') throw new HttpError(503, 'the service is shutting down', { 'retry-after': '5', connection: 'close' });
      if (route.auth && !authorized(req)) throw new HttpError(401, 'missing or invalid bearer token', { 'www-authenticate': 'Bearer' });
      const query = checkQuery(search, queryParameters(route.path, route.method));
      await route.handle({ req, res, requestId, query, params: hit.params!, log: withFields(o.logger, { request_id: requestId }) });
    };

    run().catch((err: unknown) => fail(res, err, requestId, o.logger));
  };
  return handler;
}

/** Answer an error, unless the response already started (then cut it short). */
function fail(res: ServerResponse, err: unknown, requestId: string, logger: Logger): void {
  if (res.headersSent) {
    // Mid-stream failure (or the client went away): the client sees a truncated response, never a wrong one.
    if (!isDisconnect(err)) logger.warn('response failed mid-stream', { request_id: requestId, ...errorFields(err) });
    res.destroy();
    return;
  }
  if (err instanceof HttpError && err.status === 204) {
    sendEmpty(res, 204, err.headers);
  } else if (err instanceof HttpError) {
    sendJson(res, err.status, { message: err.message, ...err.body, request_id: requestId }, err.headers);
  } else if (err instanceof QueueFullError) {
    sendJson(res, 503, { message: err.message, request_id: requestId }, { 'retry-after': String(err.retryAfter) });
  } else if (err instanceof InvalidOptionError) {
    sendJson(res, 400, { message: err.message.replace(/^options\./, ''), request_id: requestId });
  } else {
    logger.error('request failed', { request_id: requestId, ...errorFields(err) });
    const message = err instanceof FlowdigestError ? `${err.message} [${err.code}]` : 'internal error';
    sendJson(res, 500, { message, request_id: requestId });
  }
}

function isDisconnect(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

function knownMethod(method: string | undefined): string {
  return method !== undefined && ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'].includes(method) ? method : 'other';
}

/** Each parameter documented and given at most once; a misspelt one gets a suggestion. */
function checkQuery(params: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (allowed.length === 0) return out;
  for (const [name, value] of params) {
    if (!allowed.includes(name)) throw new HttpError(400, `unknown query parameter '${name.slice(0, 64)}'${suggest(name, allowed)}`);
    if (out.has(name)) throw new HttpError(400, `query parameter '${name}' is given more than once`);
    out.set(name, value);
  }
  return out;
}
