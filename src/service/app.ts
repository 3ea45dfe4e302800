/**
 * The HTTP layer on fastify: route schemas (ajv) for every query, path and body, the OpenAPI
 * document generated from them (@fastify/swagger), request IDs, bearer tokens with scopes,
 * the failed-authentication limit, 503 while stopping, one error handler mapping errors to
 * statuses (errors.ts), 404/405, metrics and one log line per request.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AuditActor } from '../audit/types.js';
import { audit } from './audit-hooks.js';
import type { FailureLimiter } from './auth/failure-limiter.js';
import type { Scope, TokenTable } from './auth/tokens.js';
import { bearerToken } from './auth/tokens.js';
import { AuthError, type AuthFailure, headersOf, HttpError, statusOf, StoppingError } from './errors.js';
import { errorFields } from './logger.js';
import { digestRoutes } from './routes/digest.js';
import { graphRoutes } from './routes/graph.js';
import { reportRoutes } from './routes/report.js';
import { opsRoutes } from './routes/ops.js';
import { workerRoutes } from './routes/worker.js';
import { SHARED_SCHEMAS } from './schemas.js';
import type { ServiceState } from './state.js';
import { describeError } from './validation.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Metrics and log label (fixed, low cardinality). */
    name?: string;
    /** The scope a token needs, when tokens are configured; none: open. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** Who made the request, for audit events. */
    actor: AuditActor;
  }
}

/** What the HTTP layer needs besides the shared state. */
export interface AppOptions {
  state: ServiceState;
  /** Known tokens; undefined: no authentication. */
  tokens: TokenTable | undefined;
  limiter: FailureLimiter;
  /** True once the service is stopping: every route but /healthz answers 503. */
  stopping: () => boolean;
  requestTimeout: number;
  /** The service's description for the OpenAPI document. */
  description: string;
}

/** A client's X-Request-Id is kept when it looks like an ID; otherwise a new UUID is used. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Build the fastify instance (not listening). */
export function createApp(o: AppOptions): FastifyInstance {
  const { state } = o;
  const app = Fastify({
    // Requests are logged by the hooks below, through the service's Logger.
    logger: false,
    return503OnClosing: true,
    exposeHeadRoutes: true,
    bodyLimit: state.maxBodyBytes,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Not fastify's defaults: no silently removed parameters (an unknown one is a 400 with a
    // suggestion), and no arrays (a parameter given twice is a 400).
    ajv: {
      customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false },
      // RFC 3339 times are checked by the window parser, which truncates to the minute first
      // and names the parameter; the schema keeps `format: date-time` for the document.
      onCreate: (ajv: { addFormat(name: string, format: { type: string; validate: () => boolean }): void }) =>
        ajv.addFormat('date-time', { type: 'string', validate: () => true }),
    } as never,
    serverFactory: (handler) => nodeServer(handler, o.requestTimeout),
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  // Only the worker route reads a body (it has its own parser); elsewhere one is read (up to
  // the body limit) and ignored, whatever its type, so `POST /` with a JSON Content-Type works.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));

  const templates: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(
      `^${route.url
        .split('/')
        .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    );
    for (const method of [route.method].flat()) templates.push({ method, pattern });
  });

  app.addHook('onRequest', async (request, reply) => {
    const name = request.routeOptions.config.name ?? 'unknown';
    observe(o, request, reply, name);
    reply.header('x-request-id', request.id);
    if (o.stopping() && name !== 'healthz') throw new StoppingError();
    await authenticate(o, request, request.routeOptions.config.scope);
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = statusOf(err);
    if (status >= 500 && status !== 503) {
      o.state.logger.error('request failed', {
        request_id: request.id,
        route: request.routeOptions.config.name ?? 'unknown',
        ...errorFields(err, { stack: true }),
      });
    }
    const headers = { 'cache-control': 'no-store', ...headersOf(err) };
    if (status === 204) return reply.code(204).headers(headers).send();
    const body = {
      message: describeError(err, status, request, state.maxBodyBytes),
      ...(err instanceof HttpError ? err.body : {}),
      request_id: request.id,
    };
    return reply.code(status).headers(headers).send(body);
  });

  app.setNotFoundHandler(async (request) => {
    const path = request.url.split('?')[0];
    const allow = [...new Set(templates.filter((t) => t.pattern.test(path)).map((t) => t.method))];
    if (allow.length > 0) {
      throw new HttpError(405, `${request.method} is not allowed on ${path.slice(0, 200)}; use ${allow.join(', ')}`, {
        allow: allow.join(', '),
      });
    }
    throw new HttpError(404, `no route ${path.slice(0, 200)}`);
  });

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'flowdigest service', version: '2', description: o.description },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A token from --tokens FILE (with scopes) or FLOWDIGEST_TOKEN (every scope). Required only when tokens are configured.',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  void app.register(async (scope) => {
    digestRoutes(scope, state);
    graphRoutes(scope, state);
    reportRoutes(scope, state);
    opsRoutes(scope, state, { stopping: o.stopping, yaml: () => app.swagger({ yaml: true }) });
    await scope.register(async (worker) => workerRoutes(worker, state));
  });
  return app;
}

/** The HTTP server, with the service's timeouts (408 for a request slow to arrive). */
function nodeServer(handler: (req: IncomingMessage, res: ServerResponse) => void, requestTimeout: number): Server {
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 20_000),
      keepAliveTimeout: 5_000,
      // Node checks those timeouts on this interval (30 s by default): check often enough to honour them.
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeout / 4))),
    },
    handler,
  );
  // Idle sockets (a client that stopped reading) close after twice the request timeout:
  // longer than it, so a request that is merely slow to arrive gets Node's 408 first.
  server.timeout = 2 * requestTimeout;
  return server;
}

/** Count and log the request once its response ends, or is cut short ("aborted", not its status). */
function observe(o: AppOptions, request: FastifyRequest, reply: FastifyReply, name: string): void {
  const began = performance.now();
  const res = reply.raw;
  res.once('close', () => {
    const seconds = (performance.now() - began) / 1000;
    const aborted = !res.writableFinished;
    const status = aborted ? 'aborted' : String(res.statusCode);
    o.state.metrics.requests.inc({ route: name, method: knownMethod(request.method), status });
    o.state.metrics.requestSeconds.observe({ route: name }, seconds);
    const fields = {
      request_id: request.id,
      method: request.method,
      route: name,
      status: res.statusCode,
      ms: Math.round(seconds * 10000) / 10,
      ...(aborted ? { aborted: true } : {}),
    };
    if (res.statusCode >= 500) o.state.logger.warn('request', fields);
    else o.state.logger.info('request', fields);
  });
}

/** Who the request is from; throws AuthError (after counting and auditing it) when refused. */
async function authenticate(o: AppOptions, request: FastifyRequest, scope: Scope | undefined): Promise<void> {
  const ip = request.ip;
  request.actor = { name: 'anonymous', ip, authentication: o.tokens === undefined ? 'none' : 'token' };
  if (o.tokens === undefined || scope === undefined) return;
  const deny = async (reason: AuthFailure, retryAfter?: number): Promise<never> => {
    const err = new AuthError(reason, retryAfter);
    o.state.metrics.authFailures.inc({ reason });
    await audit(o.state, request, {
      type: 'auth',
      action: 'denied',
      status: 'failure',
      payload: { route: request.routeOptions.config.name, method: request.method, status: err.status, reason },
    });
    throw err;
  };
  const blocked = o.limiter.blockedFor(ip);
  if (blocked > 0) return deny('rate_limited', blocked);
  const token = bearerToken(request.headers.authorization);
  const known = token === undefined ? undefined : o.tokens.find(token);
  if (known === undefined) {
    o.limiter.fail(ip);
    return deny(token === undefined ? 'missing' : 'unknown');
  }
  request.actor = { name: known.name, ip, authentication: 'token' };
  if (!known.scopes.has(scope)) return deny('scope');
}

function knownMethod(method: string): string {
  return ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'].includes(method) ? method : 'other';
}
