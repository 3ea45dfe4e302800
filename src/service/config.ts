/**
 * `flowdigest serve` configuration: flags, then FLOWDIGEST_* variables, then the Go service's
 * variables (vpcflow-digesterd), then defaults. Everything is validated at start-up; the first
 * problem is one ConfigError naming the flag or variable. Misspelt FLOWDIGEST_* variables are
 * errors with a suggestion, so a typo never silently falls back to a default.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suggest } from '../util/suggest.js';
import { type AuditEventFilter, parseAuditEvents } from '../audit/events.js';
import type { AuditSinkFlags } from '../audit/flags.js';
import { ConfigError, InvalidOptionError } from '../errors.js';
import { parseFieldList } from '../format/field-list.js';
import { isS3Url, parseS3Url } from '../sources/s3/url.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { parseSize } from '../util/size.js';
import { httpUrl } from '../util/url.js';
import { readTokensFile } from './auth/tokens.js';
import { LOG_LEVELS } from './logger.js';
import { redisConnection } from '../cluster/redis.js';
import { parseQueueEndpoint } from './queue/http.js';
import { BUNDLED_LOGS, DEFAULT_STORE, DEFAULT_TOPIC, defaultMarkers, SERVICE_DEFAULTS } from './service.js';
import type { LogLevel, ServiceOptions } from './types.js';
import { AWS_REGION, BEARER_TOKEN, URL_SEGMENT } from '../util/patterns.js';

type Env = Record<string, string | undefined>;

/** One setting: its flag, its variable, the Go service's variable, and its help line. */
export interface Setting {
  flag: string;
  env: string;
  /** Other variables that set it, lowest precedence last (PORT; the Go service's). */
  aliases: readonly string[];
  boolean?: boolean;
  /** Value name in help (`N`, `DIR|s3://BUCKET[/PREFIX]`). */
  arg?: string;
  help: string;
  default: string;
}

const D = SERVICE_DEFAULTS;

/** Every setting, in help order. */
export const SETTINGS = {
  port: {
    flag: 'port',
    env: 'FLOWDIGEST_PORT',
    aliases: ['PORT'],
    arg: 'N',
    help: 'Port to listen on (0: any free port)',
    default: '8080',
  },
  host: {
    flag: 'host',
    env: 'FLOWDIGEST_HOST',
    aliases: [],
    arg: 'ADDR',
    help: 'Address to listen on (0.0.0.0: every interface)',
    default: '127.0.0.1',
  },
  logs: {
    flag: 'logs',
    env: 'FLOWDIGEST_LOGS',
    aliases: ['VPC_FLOW_LOGS_BUCKET'],
    arg: 'DIR|s3://B[/P]',
    help: 'Flow logs: a directory in the AWS layout, or a bucket (Go: bucket name)',
    default: 'the bundled sample',
  },
  logsRegion: {
    flag: 'logs-region',
    env: 'FLOWDIGEST_LOGS_REGION',
    aliases: ['VPC_FLOW_LOGS_BUCKET_REGION'],
    arg: 'R',
    help: 'Region of the logs bucket',
    default: 'AWS_REGION',
  },
  store: {
    flag: 'store',
    env: 'FLOWDIGEST_STORE',
    aliases: ['DIGEST_STORAGE_BUCKET'],
    arg: 'DIR|s3://B[/P]',
    help: 'Where digests are stored (Go: bucket name)',
    default: `./${DEFAULT_STORE}`,
  },
  storeRegion: {
    flag: 'store-region',
    env: 'FLOWDIGEST_STORE_REGION',
    aliases: ['DIGEST_STORAGE_BUCKET_REGION'],
    arg: 'R',
    help: 'Region of the store bucket',
    default: 'AWS_REGION',
  },
  markers: {
    flag: 'markers',
    env: 'FLOWDIGEST_MARKERS',
    aliases: ['DIGEST_PROGRESS_BUCKET'],
    arg: 'DIR|s3://B[/P]',
    help: 'Where in-progress markers are kept (Go: bucket name)',
    default: 'STORE/markers',
  },
  markersRegion: {
    flag: 'markers-region',
    env: 'FLOWDIGEST_MARKERS_REGION',
    aliases: ['DIGEST_PROGRESS_BUCKET_REGION'],
    arg: 'R',
    help: 'Region of the markers bucket',
    default: 'AWS_REGION',
  },
  progressTimeout: {
    flag: 'progress-timeout',
    env: 'FLOWDIGEST_PROGRESS_TIMEOUT',
    aliases: ['DIGEST_PROGRESS_TIMEOUT'],
    arg: 'DUR',
    help: 'A marker not refreshed this long means its worker died (plain numbers: ms)',
    default: formatDuration(D.progressTimeout),
  },
  queue: {
    flag: 'queue',
    env: 'FLOWDIGEST_QUEUE',
    aliases: ['STREAM_APPLIANCE_ENDPOINT'],
    arg: 'Q',
    help: "memory, self (POST to this service's worker route), or an event bus URL / host:port",
    default: 'memory',
  },
  redis: {
    flag: 'redis',
    env: 'FLOWDIGEST_REDIS',
    aliases: [],
    arg: 'URL',
    help: 'Redis shared by every service process: markers claimed atomically, window jobs on BullMQ',
    default: 'none',
  },
  topic: {
    flag: 'topic',
    env: 'FLOWDIGEST_TOPIC',
    aliases: ['STREAM_APPLIANCE_TOPIC'],
    arg: 'NAME',
    help: 'Topic in the worker path the HTTP queue POSTs to: /TOPIC/digest',
    default: DEFAULT_TOPIC,
  },
  accounts: {
    flag: 'accounts',
    env: 'FLOWDIGEST_ACCOUNTS',
    aliases: ['VPC_FLOW_LOGS_SCAN_ACCOUNTS'],
    arg: 'A,B',
    help: 'Digest only these accounts',
    default: 'all',
  },
  regions: {
    flag: 'regions',
    env: 'FLOWDIGEST_REGIONS',
    aliases: ['VPC_FLOW_LOGS_SCAN_REGIONS'],
    arg: 'R,S',
    help: 'Digest only these regions',
    default: 'all',
  },
  prefetch: {
    flag: 'prefetch',
    env: 'FLOWDIGEST_PREFETCH',
    aliases: ['VPC_MAX_CONCURRENT_PREFETCH'],
    arg: 'N',
    help: 'Objects read ahead at once (shared by running jobs)',
    default: '8',
  },
  prefetchBytes: {
    flag: 'prefetch-bytes',
    env: 'FLOWDIGEST_PREFETCH_BYTES',
    aliases: ['VPC_MAX_BYTES_PREFETCH'],
    arg: 'SIZE',
    help: 'Stored bytes held in flight per job, e.g. 64MB (plain numbers: bytes)',
    default: '32MB',
  },
  workers: {
    flag: 'workers',
    env: 'FLOWDIGEST_WORKERS',
    aliases: [],
    arg: 'N',
    help: 'Worker threads of the one pool all jobs share',
    default: 'available cores',
  },
  jobs: {
    flag: 'jobs',
    env: 'FLOWDIGEST_JOBS',
    aliases: [],
    arg: 'N',
    help: 'Jobs digesting at once',
    default: String(D.jobs),
  },
  maxQueued: {
    flag: 'max-queued',
    env: 'FLOWDIGEST_MAX_QUEUED',
    aliases: [],
    arg: 'N',
    help: 'Jobs waiting beyond those; more get 503 + Retry-After',
    default: String(D.maxQueued),
  },
  maxWindow: {
    flag: 'max-window',
    env: 'FLOWDIGEST_MAX_WINDOW',
    aliases: [],
    arg: 'DUR',
    help: 'Longest window',
    default: formatDuration(D.maxWindow),
  },
  requestTimeout: {
    flag: 'request-timeout',
    env: 'FLOWDIGEST_REQUEST_TIMEOUT',
    aliases: [],
    arg: 'DUR',
    help: 'Time to receive a request (then 408); idle sockets close after twice it',
    default: formatDuration(D.requestTimeout),
  },
  grace: {
    flag: 'grace',
    env: 'FLOWDIGEST_GRACE',
    aliases: [],
    arg: 'DUR',
    help: 'On SIGTERM/SIGINT, how long running jobs may finish',
    default: formatDuration(D.grace),
  },
  fields: {
    flag: 'fields',
    env: 'FLOWDIGEST_FIELDS',
    aliases: [],
    arg: 'LIST',
    help: 'Format of header-less objects: a preset (v2 v3 v4 v5 v7 v8 tgw), names, or a LogFormat string',
    default: 'v2',
  },
  skipBadObjects: {
    flag: 'skip-bad-objects',
    env: 'FLOWDIGEST_SKIP_BAD_OBJECTS',
    aliases: [],
    boolean: true,
    help: 'Skip unreadable objects (listed in the stats) instead of failing the job',
    default: 'false',
  },
  logLevel: {
    flag: 'log-level',
    env: 'FLOWDIGEST_LOG_LEVEL',
    aliases: [],
    arg: 'L',
    help: `JSON log level: ${LOG_LEVELS.join(', ')}`,
    default: 'info',
  },
  endpoint: {
    flag: 'endpoint',
    env: 'FLOWDIGEST_ENDPOINT',
    aliases: [],
    arg: 'URL',
    help: 'S3-compatible endpoint (also AWS_ENDPOINT_URL_S3)',
    default: 'AWS',
  },
  pathStyle: {
    flag: 'path-style',
    env: 'FLOWDIGEST_PATH_STYLE',
    aliases: [],
    boolean: true,
    help: 'Address buckets as URL/BUCKET/KEY (MinIO, s3rver)',
    default: 'false',
  },
  tokens: {
    flag: 'tokens',
    env: 'FLOWDIGEST_TOKENS_FILE',
    aliases: [],
    arg: 'FILE',
    help: 'Bearer tokens with scopes: a JSON array of {"name", "sha256", "scopes"}',
    default: 'none',
  },
  insecureNoAuth: {
    flag: 'insecure-no-auth',
    env: 'FLOWDIGEST_INSECURE_NO_AUTH',
    aliases: [],
    boolean: true,
    help: 'Listen beyond loopback without tokens',
    default: 'false',
  },
  retention: {
    flag: 'retention',
    env: 'FLOWDIGEST_RETENTION',
    aliases: [],
    arg: 'DUR',
    help: 'Delete stored digests this long after they were stored',
    default: 'keep',
  },
  auditEvents: {
    flag: 'audit-events',
    env: 'FLOWDIGEST_AUDIT_EVENTS',
    aliases: [],
    arg: 'LIST',
    help: 'Audit events recorded: noun:verb pairs with * wildcards (digest:*,auth:denied)',
    default: '*:*',
  },
  auditLog: {
    flag: 'audit-log',
    env: 'FLOWDIGEST_AUDIT_LOG',
    aliases: [],
    arg: 'FILE|-',
    help: 'Audit sink: JSON lines to a file, or - for stdout',
    default: 'none',
  },
  auditWebhook: {
    flag: 'audit-webhook',
    env: 'FLOWDIGEST_AUDIT_WEBHOOK',
    aliases: [],
    arg: 'URL',
    help: 'Audit sink: POST batches, signed (X-Flowdigest-Signature: sha256=HMAC of the body)',
    default: 'none',
  },
  auditWebhookSecret: {
    flag: 'audit-webhook-secret',
    env: 'FLOWDIGEST_AUDIT_WEBHOOK_SECRET',
    aliases: [],
    arg: 'SECRET',
    help: 'The webhook signing secret (prefer the variable: a flag shows in ps)',
    default: 'none',
  },
  auditWebhookMaxRetry: {
    flag: 'audit-webhook-max-retry',
    env: 'FLOWDIGEST_AUDIT_WEBHOOK_MAX_RETRY',
    aliases: [],
    arg: 'DUR',
    help: 'How long one webhook batch is retried in place before the spool takes over',
    default: '60s',
  },
  auditStore: {
    flag: 'audit-store',
    env: 'FLOWDIGEST_AUDIT_STORE',
    aliases: [],
    arg: 'DIR|s3://B[/P]',
    help: 'Audit sink: batches as NDJSON objects, all or nothing',
    default: 'none',
  },
  auditSpool: {
    flag: 'audit-spool',
    env: 'FLOWDIGEST_AUDIT_SPOOL',
    aliases: [],
    arg: 'DIR',
    help: 'Where audit events are fsynced before a request is answered (one process per spool)',
    default: 'STORE/audit-spool',
  },
  auditSpoolMax: {
    flag: 'audit-spool-max',
    env: 'FLOWDIGEST_AUDIT_SPOOL_MAX',
    aliases: [],
    arg: 'SIZE',
    help: 'Undelivered audit events held at most; beyond it writes get 503',
    default: '64MB',
  },
  auditBatch: {
    flag: 'audit-batch',
    env: 'FLOWDIGEST_AUDIT_BATCH',
    aliases: [],
    arg: 'N',
    help: 'Audit events per batch sent to a sink, at most',
    default: '100',
  },
  auditFlush: {
    flag: 'audit-flush',
    env: 'FLOWDIGEST_AUDIT_FLUSH',
    aliases: [],
    arg: 'DUR',
    help: 'A smaller audit batch is sent once its oldest event is this old',
    default: '1s',
  },
  deliveryLag: {
    flag: 'delivery-lag',
    env: 'FLOWDIGEST_DELIVERY_LAG',
    aliases: [],
    arg: 'DUR',
    help: "How long after its stop a window's logs may still arrive",
    default: formatDuration(D.deliveryLag),
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** `250ms`, `90s`, `5m`, `2h`, `7d`, or plain milliseconds (as DIGEST_PROGRESS_TIMEOUT was). */
export { parseDuration };

/** Variables read besides the settings. */
const TOKEN_ENV = 'FLOWDIGEST_TOKEN';
const KNOWN_FLOWDIGEST = [...Object.values(SETTINGS).map((s) => s.env), TOKEN_ENV];
/** Go variables that cannot be honoured, and what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  VPC_FLOW_LOGS_BUCKET_ROLE:
    'is not supported: give the role to the AWS SDK (AWS_PROFILE with role_arn, or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE)',
  DIGEST_STORAGE_BUCKET_ROLE:
    'is not supported: give the role to the AWS SDK (AWS_PROFILE with role_arn, or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE)',
  DIGEST_PROGRESS_BUCKET_ROLE:
    'is not supported: give the role to the AWS SDK (AWS_PROFILE with role_arn, or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE)',
  AWS_CREDENTIALS_FILE: 'is not read: set AWS_SHARED_CREDENTIALS_FILE, which the AWS SDK reads',
  AWS_CREDENTIALS_PROFILE: 'is not read: set AWS_PROFILE, which the AWS SDK reads',
};

/** The resolved configuration of `flowdigest serve`. */
export interface ServeConfig {
  port: number;
  host: string;
  grace: number;
  logLevel: LogLevel;
  /** Options for createService (logger aside). */
  service: ServiceOptions & { logs: string; store: string; markers: string };
  /** The audit trail, when an audit sink is given: the events, the sinks' flags and the spool. */
  audit?: AuditConfig;
  /** Where each setting that was given came from (`--port`, `PORT`, ...), for the start-up log. */
  origins: Partial<Record<SettingName, string>>;
}

/** serve's audit settings, validated; the sinks are built from `sinks` by `sinksFromFlags`. */
export interface AuditConfig {
  events: AuditEventFilter;
  sinks: Omit<AuditSinkFlags, 'env' | 'logger' | 's3'>;
  spoolDir: string;
  spoolMaxBytes?: number;
  batchSize?: number;
  flushMs?: number;
}

type Flags = Partial<Record<string, string | boolean>>;

/** Reads each setting once, from a flag, its variable or an alias, recording where it came from. */
class Readers {
  readonly origins: Partial<Record<SettingName, string>> = {};
  constructor(
    private readonly flags: Flags,
    private readonly env: Env,
  ) {}

  /** The value of a setting and the name it came from; FLOWDIGEST_* and a Go variable that disagree are an error. */
  raw(name: SettingName): { value: string; from: string } | undefined {
    const s: Setting = SETTINGS[name];
    const flag = this.flags[s.flag];
    if (flag !== undefined) {
      this.origins[name] = `--${s.flag}`;
      return { value: typeof flag === 'boolean' ? String(flag) : flag, from: `--${s.flag}` };
    }
    const given = [s.env, ...s.aliases]
      .filter((v) => this.env[v] !== undefined && this.env[v] !== '')
      .map((v) => ({ value: this.env[v]!, from: v }));
    if (given.length === 0) return undefined;
    for (const other of given.slice(1)) {
      if (normalize(name, other) !== normalize(name, given[0])) {
        throw new ConfigError(
          given[0].from,
          `and ${other.from} disagree ('${given[0].value}' vs '${other.value}'): set one of them`,
        );
      }
    }
    this.origins[name] = given[0].from;
    return given[0];
  }

  int(name: SettingName, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const r = this.raw(name);
    if (r === undefined) return undefined;
    if (!/^\d+$/.test(r.value) || Number(r.value) < min || Number(r.value) > max)
      throw new ConfigError(r.from, `'${r.value}' must be an integer from ${min} to ${max}`);
    return Number(r.value);
  }

  duration(name: SettingName, min: number): number | undefined {
    const r = this.raw(name);
    if (r === undefined) return undefined;
    const ms = parseDuration(r.value);
    if (ms === undefined || ms < min)
      throw new ConfigError(
        r.from,
        `'${r.value}' must be a duration of at least ${formatDuration(min)} (e.g. 90s, 5m, 2h, 7d; plain numbers are ms)`,
      );
    return ms;
  }

  bool(name: SettingName): boolean | undefined {
    const r = this.raw(name);
    if (r === undefined) return undefined;
    if (/^(true|1|yes)$/i.test(r.value)) return true;
    if (/^(false|0|no)$/i.test(r.value)) return false;
    throw new ConfigError(r.from, `'${r.value}' must be true or false`);
  }

  list(name: SettingName, item: RegExp, example: string): string[] | undefined {
    const r = this.raw(name);
    if (r === undefined) return undefined;
    const items = r.value.split(',').map((s) => s.trim());
    const bad = items.find((s) => !item.test(s));
    if (bad !== undefined)
      throw new ConfigError(
        r.from,
        `'${r.value}' must be a comma-separated list such as ${example}${bad === '' ? ' (it has an empty item)' : ''}`,
      );
    return items;
  }

  region(name: SettingName): { value: string; from: string } | undefined {
    const r = this.raw(name);
    if (r !== undefined && !AWS_REGION.test(r.value))
      throw new ConfigError(r.from, `'${r.value}' is not a region name (e.g. us-west-2)`);
    return r;
  }

  location(name: 'logs' | 'store' | 'markers'): { value: string; from: string } | undefined {
    const r = this.raw(name);
    if (r === undefined) return undefined;
    const value = isGoBucket(name, r.from) && !isS3Url(r.value) ? `s3://${r.value}` : r.value;
    if (isS3Url(value)) {
      try {
        parseS3Url(value, 'prefix');
      } catch (err) {
        throw new ConfigError(r.from, (err as Error).message.replace(/^'[^']*' /, `'${r.value}' `));
      }
    }
    return { value, from: r.from };
  }
}

/** Unknown FLOWDIGEST_* variables (with a suggestion) and the Go variables that cannot be honoured. */
function checkEnv(env: Env): void {
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith('FLOWDIGEST_') && !KNOWN_FLOWDIGEST.includes(name)) {
      throw new ConfigError(name, `is not a flowdigest variable${suggest(name, KNOWN_FLOWDIGEST)}`);
    }
    if (UNSUPPORTED[name] !== undefined && env[name] !== '') throw new ConfigError(name, UNSUPPORTED[name]);
  }
  if (env.USE_IAM !== undefined && !/^(true|false)$/i.test(env.USE_IAM)) {
    throw new ConfigError(
      'USE_IAM',
      `'${env.USE_IAM}' must be true or false (credentials always come from the AWS SDK's chain)`,
    );
  }
}

/** Logs, store and markers, and their regions. */
function resolveLocations(r: Readers): Pick<ServeConfig['service'], 'logs' | 'store' | 'markers' | 'regions'> {
  const logsAt = r.location('logs');
  const logs = logsAt?.value ?? BUNDLED_LOGS;
  if (!isS3Url(logs)) {
    let kind: string;
    try {
      const st = statSync(logs);
      kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    } catch {
      kind = 'missing';
    }
    if (kind === 'missing' || kind === 'other') {
      throw logsAt === undefined
        ? new ConfigError(
            SETTINGS.logs.env,
            `is not set and the bundled sample (${logs}) is missing: set it to a directory or s3://bucket`,
          )
        : new ConfigError(logsAt.from, `'${logsAt.value}' is not a directory or file`);
    }
  }
  const store = r.location('store')?.value ?? resolve(DEFAULT_STORE);
  const markers = r.location('markers')?.value ?? defaultMarkers(store);
  const regions: NonNullable<ServiceOptions['regions']> = {};
  for (const [name, where, value] of [
    ['logsRegion', 'logs', logs],
    ['storeRegion', 'store', store],
    ['markersRegion', 'markers', markers],
  ] as const) {
    const given = r.region(name);
    if (given === undefined) continue;
    if (!isS3Url(value)) throw new ConfigError(given.from, `is set, but the ${where} are not in S3 (${value})`);
    regions[where] = given.value;
  }
  return { logs, store, markers, ...(Object.keys(regions).length > 0 ? { regions } : {}) };
}

/** The queue (memory, self, an endpoint, or Redis) and the worker route's topic. */
function resolveQueue(r: Readers): { queuer: string; redis?: string; topic?: string } {
  const queueRaw = r.raw('queue');
  let queuer = 'memory';
  if (queueRaw !== undefined && queueRaw.value !== 'memory') {
    if (queueRaw.value === 'self') queuer = 'self';
    else {
      const endpoint = parseQueueEndpoint(queueRaw.value);
      if (endpoint === undefined)
        throw new ConfigError(
          queueRaw.from,
          "must be 'memory', 'self', an http(s):// URL without credentials, or host:port",
        );
      queuer = endpoint;
    }
  }
  const redis = r.raw('redis');
  if (redis !== undefined) {
    if (queuer !== 'memory')
      throw new ConfigError(
        redis.from,
        `is set, and so is ${queueRaw?.from}: with Redis, window jobs go to BullMQ; unset one`,
      );
    try {
      redisConnection(redis.value);
    } catch (err) {
      throw new ConfigError(redis.from, (err as Error).message.replace(/^--redis /, ''));
    }
  }
  const topic = r.raw('topic');
  if (topic !== undefined) {
    if (queuer === 'memory')
      throw new ConfigError(
        topic.from,
        `is set, but jobs go to the in-process queue: set ${SETTINGS.queue.env} (or STREAM_APPLIANCE_ENDPOINT) too, or unset it`,
      );
    if (!URL_SEGMENT.test(topic.value))
      throw new ConfigError(topic.from, `'${topic.value}' must be 1-128 letters, digits, or . _ ~ -`);
  }
  return {
    queuer,
    ...(redis === undefined ? {} : { redis: redis.value }),
    ...(topic === undefined ? {} : { topic: topic.value }),
  };
}

/** FLOWDIGEST_TOKEN, the tokens file (read and checked now) and the bind rule's escape. */
function resolveAuth(r: Readers, env: Env): Pick<ServiceOptions, 'token' | 'insecureNoAuth'> & { tokens?: string } {
  const token = env[TOKEN_ENV];
  if (token !== undefined && !BEARER_TOKEN.test(token)) {
    // The value is never echoed.
    throw new ConfigError(TOKEN_ENV, 'must be at least 16 printable characters without spaces');
  }
  const file = r.raw('tokens');
  if (file !== undefined) {
    try {
      readTokensFile(file.value);
    } catch (err) {
      throw new ConfigError(file.from, (err as Error).message);
    }
  }
  const insecure = r.bool('insecureNoAuth');
  return {
    ...(token === undefined ? {} : { token }),
    ...(file === undefined ? {} : { tokens: resolve(file.value) }),
    ...(insecure === undefined ? {} : { insecureNoAuth: insecure }),
  };
}

/**
 * The audit trail: present when a sink is given. The spool defaults to `audit-spool/` in a
 * directory store; with an S3 store it must be named (it is a local, fsynced directory).
 */
function resolveAudit(r: Readers, store: string): AuditConfig | undefined {
  const log = r.raw('auditLog'),
    webhook = r.raw('auditWebhook'),
    auditStore = r.raw('auditStore');
  const secret = r.raw('auditWebhookSecret');
  const eventsRaw = r.raw('auditEvents');
  const tuning = (['auditSpool', 'auditSpoolMax', 'auditBatch', 'auditFlush', 'auditWebhookMaxRetry'] as const)
    .map((n) => r.raw(n))
    .find((v) => v !== undefined);
  if (log === undefined && webhook === undefined && auditStore === undefined) {
    const stray = eventsRaw ?? secret ?? tuning;
    if (stray !== undefined)
      throw new ConfigError(
        stray.from,
        'is set, but no audit sink is: give --audit-log, --audit-webhook or --audit-store',
      );
    return undefined;
  }
  const events = parseAuditEvents(eventsRaw?.value ?? '*:*', eventsRaw?.from ?? '--audit-events');
  const spool = r.raw('auditSpool');
  if (spool === undefined && isS3Url(store))
    throw new ConfigError(
      '--audit-spool',
      'must be given when the store is in S3: the spool is a local directory, fsynced before each answer',
    );
  const spoolDir = resolve(spool?.value ?? join(store, 'audit-spool'));
  const maxRetry = r.duration('auditWebhookMaxRetry', 0);
  const sizeRaw = r.raw('auditSpoolMax');
  const spoolMaxBytes = sizeRaw === undefined ? undefined : parseSize(sizeRaw.value);
  if (sizeRaw !== undefined && spoolMaxBytes === undefined)
    throw new ConfigError(sizeRaw.from, `'${sizeRaw.value}' is not a size (e.g. 64MB, 512KiB)`);
  const batchSize = r.int('auditBatch', 1, 10_000);
  const flushMs = r.duration('auditFlush', 1);
  return {
    events,
    sinks: {
      ...(log === undefined ? {} : { log: log.value }),
      ...(webhook === undefined ? {} : { webhook: webhook.value }),
      // From the variable, sinksFromFlags reads it itself; from the flag, it warns that ps shows it.
      ...(secret?.from.startsWith('--') ? { webhookSecret: secret.value } : {}),
      ...(maxRetry === undefined ? {} : { webhookMaxRetryMs: maxRetry }),
      ...(auditStore === undefined ? {} : { store: auditStore.value }),
      spoolDir,
    },
    spoolDir,
    ...(spoolMaxBytes === undefined ? {} : { spoolMaxBytes }),
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(flushMs === undefined ? {} : { flushMs }),
  };
}

/** The shared digester's threads and read-ahead. */
function resolveDigester(r: Readers): ServiceOptions['digester'] | undefined {
  const digester: { threads?: number; prefetchConcurrency?: number; prefetchBytes?: number } = {};
  const threads = r.int('workers', 1, 256);
  if (threads !== undefined) digester.threads = threads;
  const prefetch = r.int('prefetch', 1, 1024);
  if (prefetch !== undefined) digester.prefetchConcurrency = prefetch;
  const bytes = r.raw('prefetchBytes');
  if (bytes !== undefined) {
    const n = parseSize(bytes.value);
    if (n === undefined)
      throw new ConfigError(bytes.from, `'${bytes.value}' is not a size (e.g. 64MB, 512KiB, 150000000)`);
    digester.prefetchBytes = n;
  }
  return Object.keys(digester).length > 0 ? digester : undefined;
}

/** The S3 endpoint and addressing shared by every s3:// location. */
function resolveS3(r: Readers): ServiceOptions['s3'] | undefined {
  const endpoint = r.raw('endpoint');
  if (endpoint !== undefined) {
    if (httpUrl(endpoint.value) === undefined) {
      throw new ConfigError(endpoint.from, 'must be an http:// or https:// URL without credentials');
    }
  }
  const pathStyle = r.bool('pathStyle');
  if (endpoint === undefined && pathStyle === undefined) return undefined;
  return {
    ...(endpoint === undefined ? {} : { endpoint: endpoint.value }),
    ...(pathStyle === undefined ? {} : { forcePathStyle: pathStyle }),
  };
}

/**
 * Resolve flags and `env` into a validated configuration.
 * @throws ConfigError naming the flag or variable at fault.
 */
export function resolveServeConfig(flags: Flags, env: Env = process.env): ServeConfig {
  checkEnv(env);
  const r = new Readers(flags, env);
  const port = r.int('port', 0, 65535) ?? 8080;
  const host = r.raw('host')?.value ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host))
    throw new ConfigError(r.origins.host!, `'${host}' is not a host name or address`);
  const { logs, store, markers, regions } = resolveLocations(r);
  const { queuer, redis, topic } = resolveQueue(r);
  const auth = resolveAuth(r, env);
  const s3 = resolveS3(r);
  const logLevelRaw = r.raw('logLevel');
  if (logLevelRaw !== undefined && !LOG_LEVELS.includes(logLevelRaw.value as LogLevel)) {
    throw new ConfigError(
      logLevelRaw.from,
      `'${logLevelRaw.value}' must be one of ${LOG_LEVELS.join(', ')}${suggest(logLevelRaw.value, LOG_LEVELS)}`,
    );
  }

  const service: ServeConfig['service'] = { logs, store, markers, queuer };
  const set = <K extends keyof ServiceOptions>(key: K, v: ServiceOptions[K] | undefined) => {
    if (v !== undefined) (service as ServiceOptions)[key] = v;
  };
  set('regions', regions);
  set('topic', topic);
  set('redis', redis);
  set('progressTimeout', r.duration('progressTimeout', 100));
  set('maxWindow', r.duration('maxWindow', 60_000));
  set('requestTimeout', r.duration('requestTimeout', 1000));
  set('jobs', r.int('jobs', 1, 64));
  set('maxQueued', r.int('maxQueued', 0, 100_000));
  set('scanAccounts', r.list('accounts', /^(\d{12}|unknown)$/, '123456789012,210987654321'));
  set('scanRegions', r.list('regions', AWS_REGION, 'us-east-1,eu-west-1'));
  set('skipBadObjects', r.bool('skipBadObjects'));
  const fields = r.raw('fields');
  if (fields !== undefined) {
    try {
      set('fields', parseFieldList(fields.value, fields.from));
    } catch (err) {
      if (err instanceof InvalidOptionError)
        throw new ConfigError(fields.from, err.message.slice(fields.from.length + 1));
      throw err;
    }
  }
  set('token', auth.token);
  set('tokens', auth.tokens);
  set('insecureNoAuth', auth.insecureNoAuth);
  set('retention', r.duration('retention', 60_000));
  set('deliveryLag', r.duration('deliveryLag', 0));
  set('digester', resolveDigester(r));
  set('s3', s3);
  const audit = resolveAudit(r, store);
  return {
    port,
    host,
    grace: r.duration('grace', 0) ?? D.grace,
    logLevel: (logLevelRaw?.value as LogLevel | undefined) ?? 'info',
    service,
    origins: r.origins,
    ...(audit === undefined ? {} : { audit }),
  };
}

/** Whether `from` is one of the Go service's bucket variables, which hold bare bucket names. */
function isGoBucket(name: SettingName, from: string): boolean {
  return (
    (name === 'logs' || name === 'store' || name === 'markers') &&
    (SETTINGS[name].aliases as readonly string[]).includes(from)
  );
}

function normalize(name: SettingName, { value, from }: { value: string; from: string }): string {
  if (name === 'logs' || name === 'store' || name === 'markers') {
    return (isGoBucket(name, from) && !isS3Url(value) ? `s3://${value}` : value).replace(/\/+$/, '');
  }
  if (name === 'progressTimeout') return String(parseDuration(value) ?? value);
  if (name === 'prefetchBytes') return String(parseSize(value) ?? value);
  return value.trim();
}
