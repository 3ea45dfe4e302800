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
import { parseKeySpec } from '../format/key.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { isS3Url } from '../sources/s3/url.js';
import { createApp } from './app.js';
import { FailureLimiter } from './auth/failure-limiter.js';
import { checkTokens, type KnownToken, readTokensFile, SCOPES, TokenTable } from './auth/tokens.js';
import { logRoots, logSources } from './flow-logs.js';
import { JobRunner } from './jobs.js';
import { KeyedLock, Slots } from './limits.js';
import { createLogger } from './logger.js';
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
import { BEARER_TOKEN, BEARER_TOKEN_RULE, URL_SEGMENT, URL_SEGMENT_RULE } from '../util/patterns.js';
import { checkValue, type OptionSchema } from '../util/option-schema.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_STORE,
  DEFAULT_TOPIC,
  LOG_LEVELS,
  SERVE_OPTIONS,
  SERVICE_DEFAULTS,
  SERVICE_LIBRARY_OPTIONS,
} from './settings.js';

/** The bundled sample (fixtures/sample in the package): what a service with no `logs` serves. */
export const BUNDLED_LOGS = fileURLToPath(new URL('../../fixtures/sample', import.meta.url));
export { DEFAULT_STORE, DEFAULT_TOPIC, SERVICE_DEFAULTS };

const DESCRIPTION = [
  'Creates, stores and serves digests of AWS VPC flow logs for time windows; compatible with vpcflow-digesterd.',
  'A window is two RFC 3339 times, truncated to the minute before they are checked. Its ID is a UUIDv5 of the UTC instants,',
  'so one window written with different offsets is one digest. Only closed windows are digested: stop plus the delivery lag',
  '(10 minutes by default) must be past. Every GET route answers HEAD too. Any other method on a path answers 405 with Allow;',
  'any other path answers 404. A request that takes longer than the request timeout to arrive answers 408.',
  "Every response carries X-Request-Id (the request's own, when it sends a valid one).",
].join('\n');

/** The markers location for a store: `markers/` inside it. */
export function defaultMarkers(store: string): string {
  return isS3Url(store) ? `${store.replace(/\/+$/, '')}/markers/` : join(store, 'markers');
}

/** createService's numeric options, checked against the settings' bounds (the flags' own), with their defaults. */
export function resolveLimits(o: ServiceOptions) {
  const check = (key: keyof typeof SERVE_OPTIONS | keyof typeof SERVICE_LIBRARY_OPTIONS, value: unknown) =>
    checkValue(
      (SERVE_OPTIONS as OptionSchema)[key] ?? (SERVICE_LIBRARY_OPTIONS as OptionSchema)[key],
      `options.${key}`,
      value,
    ) as number;
  return {
    progressTimeout: check('progressTimeout', o.progressTimeout),
    maxWindow: check('maxWindow', o.maxWindow),
    concurrency: check('jobs', o.jobs),
    maxQueued: check('maxQueued', o.maxQueued),
    maxRenders: check('maxRenders', o.maxRenders),
    requestTimeout: check('requestTimeout', o.requestTimeout),
    maxBodyBytes: check('maxBodyBytes', o.maxBodyBytes),
    deliveryLag: check('deliveryLag', o.deliveryLag),
    retention: check('retention', o.retention) as number | undefined,
  };
}

type Limits = ReturnType<typeof resolveLimits>;
type Auth = { table: TokenTable | undefined; selfToken: string | undefined };

/**
 * The known tokens: `tokens` (specs or a file), FLOWDIGEST_TOKEN's `token` with every scope,
 * and, for standalone mode, a random token of this process for its own worker route.
 */
export function resolveTokens(o: ServiceOptions, logger: Logger, selfQueue: boolean): Auth {
  if (o.token !== undefined && (typeof o.token !== 'string' || !BEARER_TOKEN.test(o.token))) {
    throw new InvalidOptionError('options.token', BEARER_TOKEN_RULE);
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

/** Whether `host` is a loopback name or address. */
export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^::ffff:127\./.test(host)
  );
}

/**
 * The service's assembly, one named step each: check the options, build the modules (sources,
 * storage, markers, digester), the metrics, the job runner, the queue, the shared state, the
 * HTTP layer and the sweeps; then listen and close. Each step reads what earlier steps built
 * from private fields, so none needs a forward reference.
 */
export class ServiceAssembly {
  readonly #o: ServiceOptions;
  readonly limits: Limits;
  readonly logger: Logger;
  readonly #auth: Auth;
  readonly #now: () => number;
  readonly #topic: string;
  #modules!: ReturnType<typeof buildModules>;
  #metrics!: ServiceMetrics;
  #runner!: JobRunner;
  #queue!: { queuer: Queuer; windows?: { close(): Promise<void> } };
  #state!: ServiceState;
  #app!: ReturnType<typeof createApp>;
  #ready!: Promise<unknown>;
  #sweeps!: { stop(): Promise<void> };
  #stopping = false;
  #listening = false;
  #selfUrl: string | undefined;
  #closing: Promise<void> | undefined;

  /** Check the options (nothing is built yet). */
  constructor(options: ServiceOptions = {}) {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
    this.#o = options;
    const o = options;
    this.limits = resolveLimits(o);
    if (o.topic !== undefined && (typeof o.topic !== 'string' || !URL_SEGMENT.test(o.topic))) {
      throw new InvalidOptionError('options.topic', URL_SEGMENT_RULE);
    }
    if (o.key !== undefined) parseKeySpec(o.key as string | string[], 'options.key');
    if (o.redis !== undefined && ((o.queuer !== undefined && o.queuer !== 'memory') || o.marker !== undefined))
      throw new InvalidOptionError('options.redis', 'cannot be combined with options.queuer or options.marker');
    this.logger = typeof o.logger === 'object' && o.logger !== null ? o.logger : createLogger(checkLevel(o.logger));
    this.#auth = resolveTokens(o, this.logger, o.queuer === 'self');
    this.#now = o.now ?? Date.now;
    this.#topic = o.topic ?? DEFAULT_TOPIC;
  }

  /** Every step in order, then the service. */
  build(): Service {
    this.buildModules();
    this.buildMetrics();
    this.buildRunner();
    this.buildQueue();
    this.buildState();
    this.buildApp();
    this.startSweeps();
    return this.service();
  }

  /** Flow-log sources, storage, markers and the digester: the caller's, or built from the locations. */
  buildModules(): void {
    this.#modules = buildModules(this.#o, this.limits.retention !== undefined);
  }

  /** The metrics registry (with the auditor's, when there is one). */
  buildMetrics(): void {
    this.#metrics = new ServiceMetrics(this.#o.auditor?.registry === undefined ? [] : [this.#o.auditor.registry]);
  }

  /** The job runner, and the metrics' gauges that read it and the pool. */
  buildRunner(): void {
    const o = this.#o;
    const { digester, sources, storage, marker, logs } = this.#modules;
    const runner = new JobRunner({
      digester,
      sources,
      storage,
      marker,
      metrics: this.#metrics,
      logger: this.logger,
      concurrency: this.limits.concurrency,
      maxQueued: this.limits.maxQueued,
      progressTimeout: this.limits.progressTimeout,
      now: this.#now,
      logRoots: logRoots(logs),
      ...(o.auditor === undefined ? {} : { auditor: o.auditor }),
      run: {
        ...(o.scanAccounts === undefined ? {} : { accounts: o.scanAccounts }),
        ...(o.scanRegions === undefined ? {} : { regions: o.scanRegions }),
        skipBadObjects: o.skipBadObjects ?? false,
        ...(o.fields === undefined ? {} : { fields: o.fields }),
        ...(o.key === undefined ? {} : { key: o.key }),
      },
    });
    this.#runner = runner;
    this.#metrics.watch({
      jobsQueued: () => runner.queuedCount,
      jobsRunning: () => runner.runningCount,
      poolUtilization: () => digester.utilization,
      poolThreads: () => digester.options.threads,
    });
  }

  /** The queue jobs go through: BullMQ on Redis, in-process, HTTP, or the caller's. */
  buildQueue(): void {
    this.#queue = buildQueuer(
      this.#o,
      this.#runner,
      this.limits.concurrency,
      this.limits.progressTimeout,
      this.#topic,
      () => this.#selfUrl,
      this.#auth.selfToken,
    );
  }

  /** The state the routes and sweeps share. */
  buildState(): void {
    const { storage, marker, digester } = this.#modules;
    this.#state = {
      storage,
      marker,
      queuer: this.#queue.queuer,
      runner: this.#runner,
      digester,
      metrics: this.#metrics,
      logger: this.logger,
      auditor: this.#o.auditor,
      now: this.#now,
      topic: this.#topic,
      progressTimeout: this.limits.progressTimeout,
      maxWindow: this.limits.maxWindow,
      maxBodyBytes: this.limits.maxBodyBytes,
      deliveryLag: this.limits.deliveryLag,
      locks: new KeyedLock(),
      renders: new Slots(this.limits.maxRenders, 'renders'),
    };
  }

  /** The fastify instance; `ready` settles once its plugins are loaded. */
  buildApp(): void {
    this.#app = createApp({
      state: this.#state,
      tokens: this.#auth.table,
      limiter: new FailureLimiter(this.#o.authFailures ?? {}, this.#now),
      stopping: () => this.#stopping,
      requestTimeout: this.limits.requestTimeout,
      description: DESCRIPTION,
    });
    this.#ready = Promise.resolve(this.#app.ready());
    this.#ready.catch((err: unknown) =>
      this.logger.error('the HTTP layer failed to start', { error: (err as Error).message }),
    );
  }

  /** The periodic sweeps: stale markers, and expired digests when a retention is set. */
  startSweeps(): void {
    const { retention, progressTimeout } = this.limits;
    this.#sweeps = startSweeps(this.#state, {
      everyMs: Math.min(600_000, Math.max(1000, progressTimeout)),
      ...(retention === undefined ? {} : { retention }),
      stopping: () => this.#stopping,
    });
  }

  /** Listen on `host:port`; beyond loopback only with tokens or insecureNoAuth. */
  async listen(port: number = DEFAULT_PORT, host: string = DEFAULT_HOST): Promise<{ url: string; port: number }> {
    if (this.#listening)
      throw new InvalidOptionError('service.listen()', 'was called twice: the service is already listening');
    const auth = this.#auth;
    if (auth.table === undefined && !isLoopback(host) && this.#o.insecureNoAuth !== true) {
      throw new InvalidOptionError(
        'host',
        `${host} is not a loopback address, and no tokens are configured: give --tokens FILE (or FLOWDIGEST_TOKEN), or --insecure-no-auth to serve anyone who can reach the port`,
      );
    }
    await this.#ready;
    const app = this.#app;
    await app.listen({ port, host });
    this.#listening = true;
    const address = app.server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const connectTo = host === '0.0.0.0' || host === '::' ? (address.family === 'IPv6' ? '[::1]' : '127.0.0.1') : shown;
    this.#selfUrl = `http://${connectTo}:${address.port}`;
    const { sources, storage, marker, digester } = this.#modules;
    const limits = this.limits;
    this.logger.info('listening', {
      url: `http://${shown}:${address.port}`,
      logs: sources.map((s) => s.description),
      store: storage.description,
      markers: marker.description,
      queue: this.#queue.queuer.description,
      jobs: limits.concurrency,
      max_queued: limits.maxQueued,
      threads: digester.options.threads,
      progress_timeout_ms: limits.progressTimeout,
      auth: auth.table !== undefined,
      tokens: auth.table?.tokens.map((t) => t.name) ?? [],
      ...(limits.retention === undefined ? {} : { retention_ms: limits.retention }),
      audit: this.#o.auditor !== undefined,
    });
    if (auth.table === undefined && !isLoopback(host)) {
      this.logger.warn(
        'listening beyond loopback without tokens (--insecure-no-auth): anyone who can reach this port can queue digests',
        { host },
      );
    }
    return { url: this.#selfUrl, port: address.port };
  }

  /** Stop: 503 "stopping" meanwhile, running jobs get `graceMs`, then everything closes, once. */
  close(graceMs: number = SERVICE_DEFAULTS.grace): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    this.#stopping = true;
    const began = performance.now();
    const left = () => Math.max(0, graceMs - (performance.now() - began));
    const runner = this.#runner;
    this.logger.info('stopping', {
      grace_ms: graceMs,
      jobs_running: runner.runningCount,
      jobs_queued: runner.queuedCount,
    });
    // The listener stays open meanwhile: new requests get 503 "stopping", /healthz says so.
    await runner.stop(graceMs);
    await this.#sweeps.stop();
    await this.#o.auditor?.close(left());
    await closeListener(this.#app, this.#listening ? left() : undefined, this.#ready);
    await this.#queue.windows?.close();
    await this.#queue.queuer.close?.();
    const { storage, marker, digester, ownDigester } = this.#modules;
    for (const m of [storage, marker]) await (m as { close?: () => Promise<void> }).close?.();
    if (ownDigester) await digester.close();
    this.logger.info('stopped', {});
  }

  /** The {@link Service} the steps made. */
  service(): Service {
    const app = this.#app;
    const ready = this.#ready;
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
      listen: (port, host) => this.listen(port, host),
      close: (graceMs) => this.close(graceMs),
    };
  }
}

/** Create the service (it does not listen until {@link Service.listen}). */
export function createService(options: ServiceOptions = {}): Service {
  return new ServiceAssembly(options).build();
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
