/**
 * `createService`: the digest service from its modules. Anything not given is built in: logs
 * from a directory or S3, storage and markers in a directory or S3, the in-process queue (or
 * the HTTP queuer), and one digester whose worker pool every job shares.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createDigester, type Digester } from '../engine/digester.js';
import { InvalidOptionError } from '../errors.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { isS3Url } from '../sources/s3/url.js';
import { createRouter } from './http.js';
import { JobRunner } from './jobs.js';
import { createLogger, errorFields, LOG_LEVELS } from './log.js';
import { logSources } from './logs.js';
import { FsMarker } from './marker/fs.js';
import { RedisMarker } from './marker/redis.js';
import { S3Marker } from './marker/s3.js';
import { BullQueuer, consumeWindows } from './queue/bull.js';
import { ServiceMetrics } from './metrics.js';
import { HttpQueuer, parseQueueEndpoint } from './queue/http.js';
import { MemoryQueuer } from './queue/memory.js';
import { digestRoutes } from './routes/digest.js';
import { graphRoutes } from './routes/graph.js';
import { opsRoutes } from './routes/ops.js';
import { workerRoutes } from './routes/worker.js';
import { isFresh, KeyedLock, type ServiceState, Slots } from './state.js';
import { FsStorage } from './storage/fs.js';
import { S3Storage } from './storage/s3.js';
import type { Logger, Marker, Queuer, Service, ServiceOptions, Storage } from './types.js';

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
} as const;

function positiveInt(name: string, v: unknown, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new InvalidOptionError(`options.${name}`, `must be an integer of at least ${min}`);
  return v;
}

/** The markers location for a store: `markers/` inside it. */
export function defaultMarkers(store: string): string {
  return isS3Url(store) ? `${store.replace(/\/+$/, '')}/markers/` : join(store, 'markers');
}

/** Create the service (it does not listen until {@link Service.listen}). */
export function createService(options: ServiceOptions = {}): Service {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
  const o = options;
  const progressTimeout = positiveInt('progressTimeout', o.progressTimeout, SERVICE_DEFAULTS.progressTimeout);
  const maxWindow = positiveInt('maxWindow', o.maxWindow, SERVICE_DEFAULTS.maxWindow, 60_000);
  const concurrency = positiveInt('jobs', o.jobs, SERVICE_DEFAULTS.jobs);
  const maxQueued = positiveInt('maxQueued', o.maxQueued, SERVICE_DEFAULTS.maxQueued, 0);
  const maxRenders = positiveInt('maxRenders', o.maxRenders, SERVICE_DEFAULTS.maxRenders);
  const requestTimeout = positiveInt('requestTimeout', o.requestTimeout, SERVICE_DEFAULTS.requestTimeout, 1000);
  const maxBodyBytes = positiveInt('maxBodyBytes', o.maxBodyBytes, SERVICE_DEFAULTS.maxBodyBytes, 64);
  if (o.token !== undefined && (typeof o.token !== 'string' || !/^[\x21-\x7e]{16,}$/.test(o.token))) {
    throw new InvalidOptionError('options.token', 'must be at least 16 printable characters without spaces');
  }
  if (o.topic !== undefined && (typeof o.topic !== 'string' || !/^[A-Za-z0-9._~-]{1,128}$/.test(o.topic))) {
    throw new InvalidOptionError('options.topic', 'must be 1-128 letters, digits, or . _ ~ -');
  }
  const logger: Logger = typeof o.logger === 'object' && o.logger !== null ? o.logger : createLogger(checkLevel(o.logger));
  const now = o.now ?? Date.now;
  const s3: S3ClientOptions = o.s3 ?? {};
  const at = (region: string | undefined): S3ClientOptions => (region === undefined ? s3 : { ...s3, region });

  const ownDigester = o.digester === undefined || !('digest' in o.digester);
  const digester: Digester = ownDigester ? createDigester({ ...(o.digester as object | undefined), s3: at(o.regions?.logs) }) : (o.digester as Digester);
  const sources = logSources(o.logs ?? BUNDLED_LOGS, at(o.regions?.logs));
  const store = o.store ?? DEFAULT_STORE;
  const markers = o.markers ?? defaultMarkers(store);
  const storage: Storage = o.storage ?? (isS3Url(store) ? new S3Storage(store, at(o.regions?.store)) : new FsStorage(store));
  if (o.redis !== undefined && ((o.queuer !== undefined && o.queuer !== 'memory') || o.marker !== undefined)) throw new InvalidOptionError('options.redis', 'cannot be combined with options.queuer or options.marker');
  const marker: Marker = o.marker ?? (o.redis !== undefined ? new RedisMarker(o.redis)
    : isS3Url(markers) ? new S3Marker(markers, at(o.regions?.markers)) : new FsMarker(markers));
  const metrics = new ServiceMetrics();
  const runner = new JobRunner({
    digester, sources, storage, marker, metrics, logger, concurrency, maxQueued, progressTimeout, now,
    run: {
      ...(o.scanAccounts === undefined ? {} : { accounts: o.scanAccounts }),
      ...(o.scanRegions === undefined ? {} : { regions: o.scanRegions }),
      skipBadObjects: o.skipBadObjects ?? false,
    },
  });

  let server: Server | undefined;
  let selfUrl: string | undefined;
  let queuer: Queuer;
  let windows: { close(): Promise<void> } | undefined;
  if (o.redis !== undefined) {
    queuer = new BullQueuer(o.redis);
    windows = consumeWindows(o.redis, runner, concurrency, progressTimeout);
  } else if (o.queuer === undefined || o.queuer === 'memory') {
    queuer = new MemoryQueuer(runner);
  } else if (typeof o.queuer === 'string') {
    const endpoint = o.queuer === 'self' ? undefined : parseQueueEndpoint(o.queuer);
    if (o.queuer !== 'self' && endpoint === undefined) throw new InvalidOptionError('options.queuer', "must be 'memory', 'self', an http(s):// URL without credentials, or host:port");
    queuer = new HttpQueuer({
      endpoint: endpoint ?? (() => {
        if (selfUrl === undefined) throw new Error("queue 'self' needs the service to listen first");
        return selfUrl;
      }),
      topic: o.topic ?? DEFAULT_TOPIC,
      ...(o.token === undefined ? {} : { token: o.token }),
    });
  } else {
    queuer = o.queuer;
  }

  let stopping = false;
  const state: ServiceState = {
    storage, marker, queuer, runner, digester, metrics, logger, progressTimeout, maxWindow, maxBodyBytes, now,
    locks: new KeyedLock(), renders: new Slots(maxRenders, 'renders'),
  };
  metrics.registry.gauge('flowdigest_jobs_queued', 'Jobs waiting to run in this process.', () => runner.queuedCount);
  metrics.registry.gauge('flowdigest_jobs_running', 'Jobs digesting in this process.', () => runner.runningCount);
  metrics.registry.gauge('flowdigest_pool_utilization', 'Share of worker-thread time spent busy since start (0-1).', () => digester.utilization);
  metrics.registry.gauge('flowdigest_pool_threads', 'Worker threads of the shared pool.', () => digester.options.threads);
  metrics.registry.gauge('process_resident_memory_bytes', 'Resident set size.', () => process.memoryUsage.rss());
  metrics.registry.gauge('process_max_resident_memory_bytes', 'Peak resident set size.', () => process.resourceUsage().maxRSS * 1024);

  const handler = createRouter({
    routes: [...digestRoutes(state), ...graphRoutes(state), ...workerRoutes(state), ...opsRoutes(state, () => stopping)],
    metrics, logger, stopping: () => stopping, ...(o.token === undefined ? {} : { token: o.token }),
  });

  // Stale markers (a dead worker's, or a failure long past) are removed, under the window's
  // lock so a POST of this process cannot race the removal.
  const sweep = async () => {
    try {
      for await (const record of marker.list()) {
        if (stopping) return;
        if (isFresh(state, record) || runner.holds(record.id)) continue;
        await state.locks.with(record.id, async () => {
          const current = await marker.get(record.id);
          if (current === undefined || isFresh(state, current) || runner.holds(record.id)) return;
          await marker.clear(record.id);
          metrics.markersSwept.inc();
          logger.info('stale marker removed', { id: record.id, start: current.start, stop: current.stop, state: current.state, age_ms: now() - current.updatedAt });
        });
      }
    } catch (err) {
      logger.warn('marker sweep failed', errorFields(err));
    }
  };
  let sweeping: Promise<void> | undefined;
  const sweeper = setInterval(() => { sweeping ??= sweep().finally(() => { sweeping = undefined; }); }, Math.min(600_000, Math.max(1000, progressTimeout)));
  sweeper.unref();

  let closing: Promise<void> | undefined;
  const close = async (graceMs: number = SERVICE_DEFAULTS.grace): Promise<void> => {
    stopping = true;
    const began = performance.now();
    const serverClosed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server!.close(() => resolve()));
    server?.closeIdleConnections();
    logger.info('stopping', { grace_ms: graceMs, jobs_running: runner.runningCount, jobs_queued: runner.queuedCount });
    clearInterval(sweeper);
    await runner.stop(graceMs);
    await sweeping;
    // Requests still streaming get what is left of the grace period, then their sockets close.
    const left = Math.max(0, graceMs - (performance.now() - began));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([serverClosed, new Promise<void>((resolve) => { timer = setTimeout(resolve, left); })]);
    clearTimeout(timer);
    server?.closeAllConnections();
    await serverClosed;
    await windows?.close();
    await queuer.close?.();
    for (const m of [storage, marker]) await (m as { close?: () => Promise<void> }).close?.();
    if (ownDigester) await digester.close();
    logger.info('stopped', {});
  };

  return {
    handler,
    async listen(port = 8080, host = '127.0.0.1') {
      if (server !== undefined) throw new Error('the service is already listening');
      server = createServer({
        requestTimeout, headersTimeout: Math.min(requestTimeout, 20_000), keepAliveTimeout: 5_000,
        // Node checks those timeouts on this interval (30 s by default): check often enough to honour them.
        connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(requestTimeout / 4))),
      }, handler);
      // Idle sockets (a client that stopped reading) close after twice the request timeout:
      // longer than it, so a request that is merely slow to arrive gets Node's 408 first.
      server.timeout = 2 * requestTimeout;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => { server!.off('error', reject); resolve(); });
      });
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const connectTo = host === '0.0.0.0' || host === '::' ? (address.family === 'IPv6' ? '[::1]' : '127.0.0.1') : shown;
      selfUrl = `http://${connectTo}:${address.port}`;
      logger.info('listening', {
        url: `http://${shown}:${address.port}`, logs: sources.map((s) => s.description), store: storage.description, markers: marker.description,
        queue: queuer.description, jobs: concurrency, max_queued: maxQueued, threads: digester.options.threads, progress_timeout_ms: progressTimeout,
        auth: o.token !== undefined,
      });
      return { url: selfUrl, port: address.port };
    },
    close: (graceMs) => (closing ??= close(graceMs)),
  };
}

function checkLevel(level: unknown) {
  if (level === undefined) return 'info' as const;
  if (!LOG_LEVELS.includes(level as never)) throw new InvalidOptionError('options.logger', `must be a Logger or one of ${LOG_LEVELS.join(', ')}`);
  return level as (typeof LOG_LEVELS)[number];
}
