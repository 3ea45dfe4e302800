/**
 * `flowdigest serve`'s settings, written once: each one's flag, variables (FLOWDIGEST_* first,
 * then the Go service's), type, bounds, default and help. From here come the command line and
 * the environment's reading (config.ts), the option list of `serve --help`, docs/options.md,
 * and the checks of {@link createService}'s numeric options (service.ts), so the bounds of a
 * flag and of the library option it sets cannot disagree.
 */
import { AUDITOR_OPTIONS } from '../audit/options.js';
import { DIGESTER_OPTIONS } from '../engine/options.js';
import type { OptionSchema } from '../util/option-schema.js';
import { AWS_REGION } from '../util/patterns.js';
import type { LogLevel } from './types.js';

/** Log levels, least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
/** Where a service with no `store` keeps digests and markers. */
export const DEFAULT_STORE = '.flowdigest';
/** The worker route's first segment the HTTP queuer POSTs to, when no topic is given. */
export const DEFAULT_TOPIC = 'digest-queue';
/** The port `serve` and `service.listen()` use when none is given. */
export const DEFAULT_PORT = 8080;
/** The address `serve` and `service.listen()` bind when none is given. */
export const DEFAULT_HOST = '127.0.0.1';

const S3_LOCATION = 'DIR|s3://B[/P]';
const region = (of: string) =>
  ({
    type: 'string',
    item: AWS_REGION,
    arg: 'R',
    help: `Region of the ${of} bucket`,
    defaultText: 'AWS_REGION',
  }) as const;
const { threads, prefetchConcurrency, prefetchBytes } = DIGESTER_OPTIONS;

/** Every setting of `flowdigest serve`, in help order; the keys are {@link ServiceOptions}' names where they match. */
export const SERVE_OPTIONS = {
  port: {
    type: 'int',
    min: 0,
    max: 65535,
    env: 'FLOWDIGEST_PORT',
    aliases: ['PORT'],
    arg: 'N',
    help: 'Port to listen on (0: any free port)',
    default: DEFAULT_PORT,
  },
  host: {
    type: 'string',
    env: 'FLOWDIGEST_HOST',
    arg: 'ADDR',
    help: 'Address to listen on (0.0.0.0: every interface)',
    default: DEFAULT_HOST,
  },
  logs: {
    type: 'string',
    env: 'FLOWDIGEST_LOGS',
    aliases: ['VPC_FLOW_LOGS_BUCKET'],
    arg: S3_LOCATION,
    help: 'Flow logs: a directory in the AWS layout, or S3 (Go: a bucket name)',
    defaultText: 'the sample',
  },
  logsRegion: { ...region('logs'), env: 'FLOWDIGEST_LOGS_REGION', aliases: ['VPC_FLOW_LOGS_BUCKET_REGION'] },
  store: {
    type: 'string',
    env: 'FLOWDIGEST_STORE',
    aliases: ['DIGEST_STORAGE_BUCKET'],
    arg: S3_LOCATION,
    help: 'Where digests are stored (Go: a bucket name)',
    defaultText: `./${DEFAULT_STORE}`,
  },
  storeRegion: { ...region('store'), env: 'FLOWDIGEST_STORE_REGION', aliases: ['DIGEST_STORAGE_BUCKET_REGION'] },
  markers: {
    type: 'string',
    env: 'FLOWDIGEST_MARKERS',
    aliases: ['DIGEST_PROGRESS_BUCKET'],
    arg: S3_LOCATION,
    help: 'Where in-progress markers are kept (Go: a bucket name)',
    defaultText: 'STORE/markers',
  },
  markersRegion: {
    ...region('markers'),
    env: 'FLOWDIGEST_MARKERS_REGION',
    aliases: ['DIGEST_PROGRESS_BUCKET_REGION'],
  },
  progressTimeout: {
    type: 'duration',
    min: 100,
    env: 'FLOWDIGEST_PROGRESS_TIMEOUT',
    aliases: ['DIGEST_PROGRESS_TIMEOUT'],
    arg: 'DUR',
    help: 'A marker not refreshed for this long means its worker died; running\njobs refresh theirs every third of it (plain numbers are ms)',
    default: 120_000,
  },
  queue: {
    type: 'string',
    env: 'FLOWDIGEST_QUEUE',
    aliases: ['STREAM_APPLIANCE_ENDPOINT'],
    arg: 'Q',
    help: "memory (in-process), self (POST to this service's own worker\nroute), or an event bus: http(s)://HOST[:PORT][/PATH] or HOST:PORT",
    default: 'memory',
  },
  redis: {
    type: 'string',
    env: 'FLOWDIGEST_REDIS',
    arg: 'URL',
    help: 'Redis shared by every service process on it: markers are claimed\natomically (one job per window across processes) and window jobs\ngo to BullMQ, where each process runs its share. Not with --queue',
    defaultText: 'none',
  },
  topic: {
    type: 'string',
    env: 'FLOWDIGEST_TOPIC',
    aliases: ['STREAM_APPLIANCE_TOPIC'],
    arg: 'NAME',
    help: 'The HTTP queue POSTs jobs to QUEUE/NAME/digest',
    default: DEFAULT_TOPIC,
  },
  accounts: {
    type: 'list',
    item: /^(\d{12}|unknown)$/,
    example: '123456789012,210987654321',
    env: 'FLOWDIGEST_ACCOUNTS',
    aliases: ['VPC_FLOW_LOGS_SCAN_ACCOUNTS'],
    arg: 'A,B',
    help: 'Digest only these accounts',
    defaultText: 'all',
  },
  regions: {
    type: 'list',
    item: AWS_REGION,
    example: 'us-east-1,eu-west-1',
    env: 'FLOWDIGEST_REGIONS',
    aliases: ['VPC_FLOW_LOGS_SCAN_REGIONS'],
    arg: 'R,S',
    help: 'Digest only these regions',
    defaultText: 'all',
  },
  prefetch: {
    ...prefetchConcurrency,
    env: 'FLOWDIGEST_PREFETCH',
    aliases: ['VPC_MAX_CONCURRENT_PREFETCH'],
    help: 'Objects read ahead at once (shared by running jobs)',
  },
  prefetchBytes: {
    ...prefetchBytes,
    arg: 'SIZE',
    env: 'FLOWDIGEST_PREFETCH_BYTES',
    aliases: ['VPC_MAX_BYTES_PREFETCH'],
    help: 'Stored bytes held in flight per job, e.g. 64MB (plain numbers: bytes)',
  },
  workers: {
    type: threads.type,
    min: threads.min,
    max: threads.max,
    arg: threads.arg,
    default: threads.default,
    defaultText: threads.defaultText,
    env: 'FLOWDIGEST_WORKERS',
    help: 'Threads of the one pool all jobs share',
  },
  jobs: {
    type: 'int',
    min: 1,
    max: 64,
    env: 'FLOWDIGEST_JOBS',
    arg: 'N',
    help: 'Jobs digesting at once',
    default: 1,
  },
  maxQueued: {
    type: 'int',
    min: 0,
    max: 100_000,
    env: 'FLOWDIGEST_MAX_QUEUED',
    arg: 'N',
    help: 'Jobs waiting; more get 503 with Retry-After',
    default: 16,
  },
  maxWindow: {
    type: 'duration',
    min: 60_000,
    env: 'FLOWDIGEST_MAX_WINDOW',
    arg: 'DUR',
    help: 'Longest window',
    default: 7 * 86_400_000,
  },
  requestTimeout: {
    type: 'duration',
    min: 1000,
    env: 'FLOWDIGEST_REQUEST_TIMEOUT',
    arg: 'DUR',
    help: 'Time to receive a request (then 408); idle sockets close after\ntwice it',
    default: 30_000,
  },
  grace: {
    type: 'duration',
    min: 0,
    env: 'FLOWDIGEST_GRACE',
    arg: 'DUR',
    help: 'How long running jobs may finish on SIGTERM/SIGINT',
    default: 30_000,
  },
  fields: {
    type: 'string',
    env: 'FLOWDIGEST_FIELDS',
    arg: 'LIST',
    help: 'Format of header-less objects: a preset (v2 v3 v4 v5 v7 v8 tgw),\nnames, or a LogFormat string',
    defaultText: 'v2',
  },
  key: {
    type: 'string',
    env: 'FLOWDIGEST_KEY',
    arg: 'LIST',
    help: 'Conversation key of the digests: fields replacing the default,\nor +LIST to add (+flow-direction,pkt-src-aws-service); stored\nwith each digest (text header, NDJSON rows and stats)',
    defaultText: "v2's; a Transit Gateway format's own",
  },
  skipBadObjects: {
    type: 'boolean',
    env: 'FLOWDIGEST_SKIP_BAD_OBJECTS',
    help: 'Skip unreadable objects (listed in the stats) instead of failing\nthe job',
  },
  logLevel: {
    type: 'choice',
    choices: LOG_LEVELS,
    env: 'FLOWDIGEST_LOG_LEVEL',
    arg: 'L',
    help: `JSON log level: ${LOG_LEVELS.join(', ')}`,
    default: 'info',
  },
  endpoint: {
    type: 'string',
    secret: true,
    env: 'FLOWDIGEST_ENDPOINT',
    arg: 'URL',
    help: 'S3-compatible endpoint (AWS_ENDPOINT_URL_S3 works too)',
  },
  pathStyle: {
    type: 'boolean',
    env: 'FLOWDIGEST_PATH_STYLE',
    help: 'Address buckets as URL/BUCKET/KEY',
  },
  profile: {
    type: 'string',
    arg: 'NAME',
    help: 'AWS profile for every s3:// location: its credentials and region\n(AWS_PROFILE works too); never logged',
  },
  tokens: {
    type: 'string',
    env: 'FLOWDIGEST_TOKENS_FILE',
    arg: 'FILE',
    help: 'Bearer tokens with scopes, a JSON array:\n[{"name": "ci", "sha256": "<sha256sum of the token>",\n  "scopes": ["read", "write", "worker", "metrics"]}]\n("token": "..." instead of sha256 works, with a warning)',
  },
  insecureNoAuth: {
    type: 'boolean',
    env: 'FLOWDIGEST_INSECURE_NO_AUTH',
    help: 'Listen beyond loopback without tokens',
  },
  retention: {
    type: 'duration',
    min: 60_000,
    env: 'FLOWDIGEST_RETENTION',
    arg: 'DUR',
    help: 'Delete digests this long after they were stored (at start-up,\nthen periodically)',
    defaultText: 'keep',
  },
  deliveryLag: {
    type: 'duration',
    min: 0,
    env: 'FLOWDIGEST_DELIVERY_LAG',
    arg: 'DUR',
    help: "How long after its stop a window's logs may still arrive",
    default: 10 * 60_000,
  },
  auditEvents: {
    type: 'string',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_EVENTS',
    arg: 'LIST',
    help: 'noun:verb pairs, * wildcards: digest:requested|created|failed|read,\ngraph:read, diff:read, report:read, auth:denied',
    default: '*:*',
  },
  auditLog: {
    type: 'string',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_LOG',
    arg: 'FILE|-',
    help: 'JSON lines to a file (- for stdout)',
  },
  auditWebhook: {
    type: 'string',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_WEBHOOK',
    arg: 'URL',
    help: 'POST JSON arrays, signed with\nX-Flowdigest-Signature: sha256=<HMAC-SHA256 of the body>; retried\non network errors, 5xx and 429; other 4xx go to a dead-letter file',
  },
  auditWebhookSecret: {
    type: 'string',
    secret: true,
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_WEBHOOK_SECRET',
    arg: 'S',
    help: 'The signing secret (prefer the variable: a flag shows in ps)',
  },
  auditWebhookMaxRetry: {
    type: 'duration',
    min: 0,
    max: 3_600_000,
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_WEBHOOK_MAX_RETRY',
    arg: 'DUR',
    help: 'How long one batch is retried in place',
    default: 60_000,
  },
  auditStore: {
    type: 'string',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_STORE',
    arg: S3_LOCATION,
    help: 'NDJSON objects, all or nothing',
  },
  auditSpool: {
    type: 'string',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_SPOOL',
    arg: 'DIR',
    help: 'The spool (required with an S3 store)',
    defaultText: 'STORE/audit-spool',
  },
  auditSpoolMax: {
    ...AUDITOR_OPTIONS.spoolMaxBytes,
    flag: 'audit-spool-max',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_SPOOL_MAX',
    arg: 'SIZE',
    help: 'Undelivered events held',
  },
  auditBatch: {
    ...AUDITOR_OPTIONS.batchSize,
    flag: 'audit-batch',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_BATCH',
    arg: 'N',
    help: 'Events per batch at most',
  },
  auditFlush: {
    ...AUDITOR_OPTIONS.flushMs,
    flag: 'audit-flush',
    group: 'audit',
    env: 'FLOWDIGEST_AUDIT_FLUSH',
    arg: 'DUR',
    help: 'Send a smaller batch after',
  },
  help: { type: 'boolean', short: 'h', group: 'help', help: 'This help' },
} as const satisfies OptionSchema;

/** A setting's key. */
export type SettingName = Exclude<keyof typeof SERVE_OPTIONS, 'help'>;

/**
 * createService's own numeric options that no flag sets, checked like the settings: renders
 * (SVG/HTML) at once, and the largest request body.
 */
export const SERVICE_LIBRARY_OPTIONS = {
  maxRenders: { type: 'int', min: 1, max: 64, flag: null, help: 'SVG or HTML renders at once', default: 2 },
  maxBodyBytes: {
    type: 'size',
    min: 64,
    max: 1 << 30,
    flag: null,
    help: 'Largest request body',
    default: 16 * 1024,
  },
} as const satisfies OptionSchema;

/** The defaults of createService's numeric options, from the settings. */
export const SERVICE_DEFAULTS = {
  progressTimeout: SERVE_OPTIONS.progressTimeout.default,
  maxWindow: SERVE_OPTIONS.maxWindow.default,
  jobs: SERVE_OPTIONS.jobs.default,
  maxQueued: SERVE_OPTIONS.maxQueued.default,
  maxRenders: SERVICE_LIBRARY_OPTIONS.maxRenders.default,
  requestTimeout: SERVE_OPTIONS.requestTimeout.default,
  maxBodyBytes: SERVICE_LIBRARY_OPTIONS.maxBodyBytes.default,
  grace: SERVE_OPTIONS.grace.default,
  deliveryLag: SERVE_OPTIONS.deliveryLag.default,
} as const;
