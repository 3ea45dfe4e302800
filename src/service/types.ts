/**
 * Public types of the digest service: the options of {@link createService}, the service, and
 * the logger. The pluggable modules' types live with them (storage/, marker/, queue/) and are
 * re-exported here.
 */
import type { FastifyInstance } from 'fastify';
import type { Auditor } from '../audit/types.js';
import type { DigestInput, Digester } from '../engine/digester.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import type { Marker } from './marker/types.js';
import type { Queuer } from './queue/types.js';
import type { Storage } from './storage/types.js';
import type { FailureLimits } from './auth/failure-limiter.js';
import type { TokenSpec } from './auth/tokens.js';

export type { DigestJob, Queuer } from './queue/types.js';
export type { DigestMeta, Storage, StoredBody, StoredKind } from './storage/types.js';
export type { Marker, MarkerRecord } from './marker/types.js';
export type { Scope, TokenSpec } from './auth/tokens.js';
export type { FailureLimits } from './auth/failure-limiter.js';

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** A structured logger: one JSON object per line. Fields never carry secrets. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createService}. Every bound documents its default. */
export interface ServiceOptions {
  /**
   * Where flow logs are read: a directory in the AWS layout, `s3://bucket[/prefix]`, or any
   * ObjectSource. @default the bundled fixture (fixtures/sample)
   */
  logs?: DigestInput;
  /** Where digests are stored: a directory or `s3://bucket[/prefix]`. Ignored when `storage` is given. @default `./.flowdigest` */
  store?: string;
  /** Where markers are kept: a directory or `s3://bucket[/prefix]`. Ignored when `marker` is given. @default `markers/` inside `store` */
  markers?: string;
  /** Your own storage module. @default filesystem or S3, from `store` */
  storage?: Storage;
  /** Your own marker module. @default filesystem or S3, from `markers` */
  marker?: Marker;
  /**
   * Your own queuer, or where the built-in HTTP queuer POSTs jobs (`http://host:port`,
   * `host:port`, or `self` for this service's own worker route). @default the in-process queue
   */
  queuer?: Queuer | string;
  /**
   * `redis://host:port[/db]`: markers in Redis (claimed atomically) and window jobs on BullMQ,
   * shared by every service process on that Redis; each process also runs its share of the
   * jobs. Not with `queuer` or `marker`. @default none (markers in the store, in-process queue)
   */
  redis?: string;
  /**
   * The worker route's first path segment, `/{topic}/{event}`: the HTTP queuer POSTs there, and
   * the worker route answers only on it (404 on any other topic). @default `digest-queue`
   */
  topic?: string;
  /** A shared digester (not closed by the service), or the options of the one the service makes. @default one pool of `os.availableParallelism()` threads */
  digester?: Digester | { threads?: number; prefetchConcurrency?: number; prefetchBytes?: number };
  /** S3 client options (endpoint, path style) shared by every `s3://` location. @default AWS via the env */
  s3?: S3ClientOptions;
  /** Regions to sign for, per location (Go's `*_BUCKET_REGION`). @default `s3.region` */
  regions?: { logs?: string; store?: string; markers?: string };
  /** Only these accounts (Go's `VPC_FLOW_LOGS_SCAN_ACCOUNTS`). @default every account */
  scanAccounts?: readonly string[];
  /** Only these regions (Go's `VPC_FLOW_LOGS_SCAN_REGIONS`). @default every region */
  scanRegions?: readonly string[];
  /** Skip (and record in the stats) unreadable objects instead of failing the job. @default false */
  skipBadObjects?: boolean;
  /** The format of header-less objects (see DigestRunOptions.fields). @default the v2 order */
  fields?: string | readonly string[];
  /**
   * The conversation key of the digests made (see DigestRunOptions.key). Each stored digest
   * names its key (text header, NDJSON rows and stats line), so digests stored under another key
   * stay readable. @default v2's (a Transit Gateway format's own)
   */
  key?: string | readonly string[];
  /** A marker not refreshed for this long (ms) means its worker died. Running jobs refresh theirs every third of it. @default 120000 */
  progressTimeout?: number;
  /** Longest window, ms. @default 7 days */
  maxWindow?: number;
  /** Jobs digesting at once (they share the one pool). @default 1 */
  jobs?: number;
  /** Jobs waiting beyond those; more get 503 with Retry-After. @default 16 */
  maxQueued?: number;
  /** Graph, diff, DOT and SVG renderings at once (they load whole digests); more get 503. @default 2 */
  maxRenders?: number;
  /**
   * Time (ms) to receive a whole request, else 408; sockets idle for twice this close. The
   * synchronous worker route is exempt while its job runs. @default 30000
   */
  requestTimeout?: number;
  /** Largest worker-route body, bytes. @default 16384 */
  maxBodyBytes?: number;
  /**
   * One token with every scope (FLOWDIGEST_TOKEN): every route but /healthz and /openapi.yaml
   * then requires `Authorization: Bearer <token>`; the HTTP queuer sends it. Never logged.
   */
  token?: string;
  /**
   * Tokens with scopes (`read`, `write`, `worker`, `metrics`), or the path of a JSON file of them
   * (`--tokens FILE`). Entries carry `sha256` (hex of the token) or, with a warning, `token`.
   * With `token` too, both are accepted.
   */
  tokens?: readonly TokenSpec[] | string;
  /** Failed authentications allowed per client address before 429. @default 10 a minute */
  authFailures?: FailureLimits;
  /** Let {@link Service.listen} bind beyond loopback without tokens. @default false */
  insecureNoAuth?: boolean;
  /**
   * How long after a window's stop its flow logs may still arrive (ms). A window is digested
   * only once closed, at `stop + deliveryLag`; until then it is refused with 400. @default 600000
   */
  deliveryLag?: number;
  /** Delete stored digests this long (ms) after they were stored, at start-up and periodically. @default keep forever */
  retention?: number;
  /** Records audit events before the requests that cause them are answered; closed with the service. @default none */
  auditor?: Auditor;
  /** A logger, or a level for the built-in JSON logger on stdout. @default 'info' */
  logger?: Logger | LogLevel;
  /** The clock (epoch ms), for tests. @default Date.now */
  now?: () => number;
}

/** A running service. */
export interface Service {
  /**
   * The request listener, to mount in your own server (`http.createServer(service.handler)`).
   * It waits for the fastify instance to be ready, then routes.
   */
  readonly handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
  /** The fastify instance: `await service.app.ready()`, then `service.app.routing(req, res)` or `service.app.inject(...)`. */
  readonly app: FastifyInstance;
  /** The OpenAPI 3 document, generated from the route schemas. */
  openapi(): Promise<Record<string, unknown>>;
  /** The same as YAML (what /openapi.yaml serves). */
  openapiYaml(): Promise<string>;
  /** Listen (with the service's timeouts); resolves with the URL. */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /**
   * Stop: answer 503 "stopping" (the listener stays open) while running jobs finish within
   * `graceMs`; release queued jobs (their markers are cleared); abort what still runs (its
   * marker expires); close the auditor within what is left of the grace; close the listener.
   */
  close(graceMs?: number): Promise<void>;
}
