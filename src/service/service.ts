/**
 * `createService`: the digest service from its modules. Anything not given is built in: logs
 * from a directory or S3, storage and markers in a directory or S3, the in-process queue (or
 * the HTTP queuer), one digester whose worker pool every job shares, and the HTTP layer on
 * fastify (app.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createDigester, type Digester } from '../engine/digester.js';
import { InvalidOptionError } from '../errors.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { isS3Url } from '../sources/s3/url.js';
import { createApp } from './app.js';
import { FailureLimiter } from './auth/failure-limiter.js';
import { checkTokens, type KnownToken, readTokensFile, SCOPES, TokenTable } from './auth/tokens.js';
import { logRoots, logSources } from './flow-logs.js';
import { JobRunner } from './jobs.js';
import { KeyedLock, Slots } from './limits.js';
import { createLogger, LOG_LEVELS } from './logger.js';
import { startSweeps } from './maintenance.js';
import { FsMarker } from './marker/fs.js';
import { RedisMarker } from './marker/redis.js';
import { S3Marker } from './marker/s3.js';
import { ServiceMetrics } from './metrics.js';
import { BullQueuer, consumeWindows } from './queue/bull.js';
import { HttpQueuer, parseQueueEndpoint } from './queue/http.js';
import { MemoryQueuer } from './queue/memory.js';
import type { ServiceState } from './state.js';
import { FsStorage } from './storage/fs.js';
import { S3Storage } from './storage/s3.js';
import type { Logger, Marker, Queuer, Service, ServiceOptions, Storage } from './types.js';
import { BEARER_TOKEN, URL_SEGMENT } from '../util/patterns.js';

/** The bundled sample (fixtures/sample in the package): what a service with no `logs` serves. */
export const BUNDLED_LOGS = fileURLToPath(new URL('../../fixtures/sample', import.meta.url));
/** Where a service with no `store` keeps digests and markers. */
export const DEFAULT_STORE = '.flowdigest';
/** The worker route's first segment the HTTP queuer POSTs to, when no topic is given. */
export const DEFAULT_TOPIC = 'digest-queue';

export const SERVICE_DEFAULTS = {
  progressTimeout: 120_000,
  maxWindow: 7 * 86_400_000,
  jobs: 1,
  maxQueued: 16,
  maxRenders: 2,
  requestTimeout: 30_000,
  maxBodyBytes: 16 * 1024,
  grace: 30_000,
  deliveryLag: 10 * 60_000,
} as const;

const DESCRIPTION = [
  'Creates, stores and serves digests of AWS VPC flow logs for time windows; compatible with vpcflow-digesterd.',
  'A window is two RFC 3339 times, truncated to the minute before they are checked. Its ID is a UUIDv5 of the UTC instants,',
  'so one window written with different offsets is one digest. Only closed windows are digested: stop plus the delivery lag',
  '(10 minutes by default) must be past. Every GET route answers HEAD too. Any other method on a path answers 405 with Allow;',
  'any other path answers 404. A request that takes longer than the request timeout to arrive answers 408.',
  "Every response carries X-Request-Id (the request's own, when it sends a valid one).",
].join('\n');

function positiveInt(name: string, v: unknown, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new InvalidOptionError(`options.${name}`, `must be an integer of at least ${min}`);
  return v;
}

/** The markers location for a store: `markers/` inside it. */
export function defaultMarkers(store: string): string {
  return isS3Url(store) ? `${store.replace(/\/+$/, '')}/markers/` : join(store, 'markers');
}

/** The numeric options, checked, with their defaults. */
function resolveLimits(o: ServiceOptions) {
  const D = SERVICE_DEFAULTS;
  return {
    progressTimeout: positiveInt('progressTimeout', o.progressTimeout, D.progressTimeout),
    maxWindow: positiveInt('maxWindow', o.maxWindow, D.maxWindow, 60_000),
    concurrency: positiveInt('jobs', o.jobs, D.jobs),
    maxQueued: positiveInt('maxQueued', o.maxQueued, D.maxQueued, 0),
    maxRenders: positiveInt('maxRenders', o.maxRenders, D.maxRenders),
    requestTimeout: positiveInt('requestTimeout', o.requestTimeout, D.requestTimeout, 1000),
    maxBodyBytes: positiveInt('maxBodyBytes', o.maxBodyBytes, D.maxBodyBytes, 64),
    deliveryLag: positiveInt('deliveryLag', o.deliveryLag, D.deliveryLag, 0),
    retention: o.retention === undefined ? undefined : positiveInt('retention', o.retention, 0, 60_000),
  };
}

/**
 * The known tokens: `tokens` (specs or a file), FLOWDIGEST_TOKEN's `token` with every scope,
 * and, for standalone mode, a random token of this process for its own worker route.
 */
function resolveTokens(
  o: ServiceOptions,
  logger: Logger,
  selfQueue: boolean,
): { table: TokenTable | undefined; selfToken: string | undefined } {
  if (o.token !== undefined && (typeof o.token !== 'string' || !BEARER_TOKEN.test(o.token))) {
    throw new InvalidOptionError('options.token', 'must be at least 16 printable characters without spaces');
  }
  const known: KnownToken[] = [];
  if (o.tokens !== undefined) {
    const { tokens, plain } =
      typeof o.tokens === 'string' ? readTokensFile(o.tokens) : checkTokens(o.tokens, 'options.tokens');
    if (plain.length > 0) {
      logger.warn('tokens given in plain text: store their sha256 instead ("sha256": "<sha256sum of the token>")', {
        names: plain,
      });
    }
    known.push(...tokens);
  }
  if (o.token !== undefined)
    known.push(...checkTokens([{ name: 'FLOWDIGEST_TOKEN', token: o.token, scopes: SCOPES }], 'options.token').tokens);
  if (known.length === 0) return { table: undefined, selfToken: undefined };
  let selfToken: string | undefined;
  if (selfQueue) {
    selfToken = o.token ?? randomBytes(32).toString('base64url');
    if (o.token === undefined)
      known.push(...checkTokens([{ name: 'self', token: selfToken, scopes: ['worker'] }], 'self').tokens);
  }
  return { table: new TokenTable(known), selfToken };
}

function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^::ffff:127\./.test(host)
  );
}

/** Create the service (it does not listen until {@link Service.listen}). */
export function createService(options: ServiceOptions = {}): Service {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
  const o = options;
  const limits = resolveLimits(o);
  if (o.topic !== undefined && (typeof o.topic !== 'string' || !URL_SEGMENT.test(o.topic))) {
    throw new InvalidOptionError('options.topic', 'must be 1-128 letters, digits, or . _ ~ -');
  }
  if (o.redis !== undefined && ((o.queuer !== undefined && o.queuer !== 'memory') || o.marker !== undefined))
    throw new InvalidOptionError('options.redis', 'cannot be combined with options.queuer or options.marker');
  const logger: Logger =
    typeof o.logger === 'object' && o.logger !== null ? o.logger : createLogger(checkLevel(o.logger));
  const auth = resolveTokens(o, logger, o.queuer === 'self');
  const now = o.now ?? Date.now;
  const { logs, sources, storage, marker, digester, ownDigester } = buildModules(o, limits.retention !== undefined);

  let runner!: JobRunner;
  const metrics = new ServiceMetrics(
    {
      jobsQueued: () => runner.queuedCount,
      jobsRunning: () => runner.runningCount,
      poolUtilization: () => digester.utilization,
      poolThreads: () => digester.options.threads,
    },
    o.auditor?.registry === undefined ? [] : [o.auditor.registry],
  );
  runner = new JobRunner({
    digester,
    sources,
    storage,
    marker,
    metrics,
    logger,
    concurrency: limits.concurrency,
    maxQueued: limits.maxQueued,
    progressTimeout: limits.progressTimeout,
    now,
    logRoots: logRoots(logs),
    ...(o.auditor === undefined ? {} : { auditor: o.auditor }),
    run: {
      ...(o.scanAccounts === undefined ? {} : { accounts: o.scanAccounts }),
      ...(o.scanRegions === undefined ? {} : { regions: o.scanRegions }),
      skipBadObjects: o.skipBadObjects ?? false,
      ...(o.fields === undefined ? {} : { fields: o.fields }),
    },
  });

  let selfUrl: string | undefined;
  const topic = o.topic ?? DEFAULT_TOPIC;
  const { queuer, windows } = buildQueuer(
    o,
    runner,
    limits.concurrency,
    limits.progressTimeout,
    topic,
    () => selfUrl,
    auth.selfToken,
  );

  let stopping = false;
  const state: ServiceState = {
    storage,
    marker,
    queuer,
    runner,
    digester,
    metrics,
    logger,
    auditor: o.auditor,
    now,
    topic,
    progressTimeout: limits.progressTimeout,
    maxWindow: limits.maxWindow,
    maxBodyBytes: limits.maxBodyBytes,
    deliveryLag: limits.deliveryLag,
    locks: new KeyedLock(),
    renders: new Slots(limits.maxRenders, 'renders'),
  };
  const app = createApp({
    state,
    tokens: auth.table,
    limiter: new FailureLimiter(o.authFailures ?? {}, now),
    stopping: () => stopping,
    requestTimeout: limits.requestTimeout,
    description: DESCRIPTION,
  });
  const ready: Promise<unknown> = Promise.resolve(app.ready());
  ready.catch((err: unknown) => logger.error('the HTTP layer failed to start', { error: (err as Error).message }));
  const sweeps = startSweeps(state, {
    everyMs: Math.min(600_000, Math.max(1000, limits.progressTimeout)),
    ...(limits.retention === undefined ? {} : { retention: limits.retention }),
    stopping: () => stopping,
  });

  let listening = false;
  const close = async (graceMs: number): Promise<void> => {
    stopping = true;
    const began = performance.now();
    const left = () => Math.max(0, graceMs - (performance.now() - began));
    logger.info('stopping', { grace_ms: graceMs, jobs_running: runner.runningCount, jobs_queued: runner.queuedCount });
    // The listener stays open meanwhile: new requests get 503 "stopping", /healthz says so.
    await runner.stop(graceMs);
    await sweeps.stop();
    await o.auditor?.close(left());
    await closeListener(app, listening ? left() : undefined, ready);
    await windows?.close();
    await queuer.close?.();
    for (const m of [storage, marker]) await (m as { close?: () => Promise<void> }).close?.();
    if (ownDigester) await digester.close();
    logger.info('stopped', {});
  };

  let closing: Promise<void> | undefined;
  return {
    app,
    handler: (req: IncomingMessage, res: ServerResponse) => {
      ready.then(
        () => app.routing(req, res),
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
    },
    openapi: async () => {
      await ready;
      return app.swagger() as unknown as Record<string, unknown>;
    },
    openapiYaml: async () => {
      await ready;
      return app.swagger({ yaml: true });
    },
    async listen(port = 8080, host = '127.0.0.1') {
      if (listening)
        throw new InvalidOptionError('service.listen()', 'was called twice: the service is already listening');
      if (auth.table === undefined && !isLoopback(host) && o.insecureNoAuth !== true) {
        throw new InvalidOptionError(
          'host',
          `${host} is not a loopback address, and no tokens are configured: give --tokens FILE (or FLOWDIGEST_TOKEN), or --insecure-no-auth to serve anyone who can reach the port`,
        );
      }
      await ready;
      await app.listen({ port, host });
      listening = true;
      const address = app.server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const connectTo =
        host === '0.0.0.0' || host === '::' ? (address.family === 'IPv6' ? '[::1]' : '127.0.0.1') : shown;
      selfUrl = `http://${connectTo}:${address.port}`;
      logger.info('listening', {
        url: `http://${shown}:${address.port}`,
        logs: sources.map((s) => s.description),
        store: storage.description,
        markers: marker.description,
        queue: queuer.description,
        jobs: limits.concurrency,
        max_queued: limits.maxQueued,
        threads: digester.options.threads,
        progress_timeout_ms: limits.progressTimeout,
        auth: auth.table !== undefined,
        tokens: auth.table?.tokens.map((t) => t.name) ?? [],
        ...(limits.retention === undefined ? {} : { retention_ms: limits.retention }),
        audit: o.auditor !== undefined,
      });
      if (auth.table === undefined && !isLoopback(host)) {
        logger.warn(
          'listening beyond loopback without tokens (--insecure-no-auth): anyone who can reach this port can queue digests',
          { host },
        );
      }
      return { url: selfUrl, port: address.port };
    },
    close: (graceMs = SERVICE_DEFAULTS.grace) => (closing ??= close(graceMs)),
  };
}

/** The flow-log sources, storage, markers and digester: the caller's, or built from the locations. */
function buildModules(o: ServiceOptions, retention: boolean) {
  const s3: S3ClientOptions = o.s3 ?? {};
  const at = (region: string | undefined): S3ClientOptions => (region === undefined ? s3 : { ...s3, region });
  const logs = o.logs ?? BUNDLED_LOGS;
  const sources = logSources(logs, at(o.regions?.logs));
  const store = o.store ?? DEFAULT_STORE;
  const markers = o.markers ?? defaultMarkers(store);
  const storage: Storage =
    o.storage ?? (isS3Url(store) ? new S3Storage(store, at(o.regions?.store)) : new FsStorage(store));
  if (retention && (storage.list === undefined || storage.delete === undefined)) {
    throw new InvalidOptionError(
      'options.retention',
      `needs a storage that can list and delete digests (${storage.description} cannot)`,
    );
  }
  const marker: Marker =
    o.marker ??
    (o.redis !== undefined
      ? new RedisMarker(o.redis)
      : isS3Url(markers)
        ? new S3Marker(markers, at(o.regions?.markers))
        : new FsMarker(markers));
  const ownDigester = o.digester === undefined || !('digest' in o.digester);
  const digester: Digester = ownDigester
    ? createDigester({ ...(o.digester as object | undefined), s3: at(o.regions?.logs) })
    : (o.digester as Digester);
  return { logs, sources, storage, marker, digester, ownDigester };
}

/**
 * Close the fastify instance. Listening (`leftMs` given): requests still streaming get what is
 * left of the grace period, then their sockets close.
 */
async function closeListener(
  app: ReturnType<typeof createApp>,
  leftMs: number | undefined,
  ready: Promise<unknown>,
): Promise<void> {
  if (leftMs === undefined) {
    await ready.catch(() => {});
    await app.close();
    return;
  }
  const server = app.server;
  const closed = app.close();
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    closed,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, leftMs);
    }),
  ]);
  clearTimeout(timer);
  server.closeAllConnections();
  await closed;
}

/** The queue: BullMQ on Redis, the in-process one, the HTTP queuer, or the caller's. */
function buildQueuer(
  o: ServiceOptions,
  runner: JobRunner,
  concurrency: number,
  progressTimeout: number,
  topic: string,
  selfUrl: () => string | undefined,
  selfToken: string | undefined,
): { queuer: Queuer; windows?: { close(): Promise<void> } } {
  if (o.redis !== undefined)
    return { queuer: new BullQueuer(o.redis), windows: consumeWindows(o.redis, runner, concurrency, progressTimeout) };
  if (o.queuer === undefined || o.queuer === 'memory') return { queuer: new MemoryQueuer(runner) };
  if (typeof o.queuer !== 'string') return { queuer: o.queuer };
  const self = o.queuer === 'self';
  const endpoint = self ? undefined : parseQueueEndpoint(o.queuer);
  if (!self && endpoint === undefined)
    throw new InvalidOptionError(
      'options.queuer',
      "must be 'memory', 'self', an http(s):// URL without credentials, or host:port",
    );
  const token = self ? selfToken : o.token;
  return {
    queuer: new HttpQueuer({
      endpoint:
        endpoint ??
        (() => {
          const url = selfUrl();
          if (url === undefined)
            throw new InvalidOptionError('options.queuer', "'self' needs the service to listen first");
          return url;
        }),
      topic,
      ...(token === undefined ? {} : { token }),
    }),
  };
}

function checkLevel(level: unknown) {
  if (level === undefined) return 'info' as const;
  if (!LOG_LEVELS.includes(level as never))
    throw new InvalidOptionError('options.logger', `must be a Logger or one of ${LOG_LEVELS.join(', ')}`);
  return level as (typeof LOG_LEVELS)[number];
}
