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
import { validateS3ClientOptions } from '../sources/s3/client.js';
import { parseFieldList } from '../format/field-list.js';
import { parseKeySpec } from '../format/key.js';
import { isS3Url, parseS3Url } from '../sources/s3/url.js';
import { parseDuration } from '../util/duration.js';
import { flagOf, type OptionSpec, parseValue } from '../util/option-schema.js';
import { parseSize } from '../util/size.js';
import { httpUrl } from '../util/url.js';
import { readTokensFile } from './auth/tokens.js';
import { redisConnection } from '../cluster/redis.js';
import { parseQueueEndpoint } from './queue/http.js';
import { BUNDLED_LOGS, defaultMarkers } from './service.js';
import { DEFAULT_STORE, SERVE_OPTIONS, SERVICE_DEFAULTS, type SettingName } from './settings.js';
import type { LogLevel, ServiceOptions } from './types.js';
import { BEARER_TOKEN, BEARER_TOKEN_RULE, URL_SEGMENT, URL_SEGMENT_RULE } from '../util/patterns.js';

type Env = Record<string, string | undefined>;

/**
 * The settings by name, as {@link SERVE_OPTIONS} writes them (their flag, variables, type,
 * bounds, default and help).
 * @deprecated Use SERVE_OPTIONS; kept for callers of 0.1.
 */
export const SETTINGS = SERVE_OPTIONS;
export type { SettingName };
/** One setting. */
export type Setting = OptionSpec;

const D = SERVICE_DEFAULTS;

/** `250ms`, `90s`, `5m`, `2h`, `7d`, or plain milliseconds (as DIGEST_PROGRESS_TIMEOUT was). */
export { parseDuration };

/** Variables read besides the settings. */
const TOKEN_ENV = 'FLOWDIGEST_TOKEN';
const KNOWN_FLOWDIGEST = [
  ...Object.values(SERVE_OPTIONS).flatMap((s: OptionSpec) => (s.env === undefined ? [] : [s.env])),
  TOKEN_ENV,
];
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

/** A parser's fault under the flag or variable the value came from. */
function asConfig<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof InvalidOptionError) throw ConfigError.of(err);
    throw err;
  }
}

/** Reads each setting once, from a flag, its variable or an alias, recording where it came from. */
class Readers {
  readonly origins: Partial<Record<SettingName, string>> = {};
  constructor(
    private readonly flags: Flags,
    private readonly env: Env,
  ) {}

  /** The value of a setting and the name it came from; FLOWDIGEST_* and a Go variable that disagree are an error. */
  raw(name: SettingName): { value: string; from: string } | undefined {
    const s: OptionSpec = SERVE_OPTIONS[name];
    const flagName = flagOf(name, s)!;
    const flag = this.flags[flagName];
    if (flag !== undefined) {
      this.origins[name] = `--${flagName}`;
      return { value: typeof flag === 'boolean' ? String(flag) : flag, from: `--${flagName}` };
    }
    const given = [...(s.env === undefined ? [] : [s.env]), ...(s.aliases ?? [])]
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

  /** The setting parsed as its schema says (integer with bounds, duration, size, list, choice, boolean). */
  value<K extends SettingName>(name: K): ReturnType<typeof parseValue> | undefined {
    const r = this.raw(name);
    return r === undefined ? undefined : asConfig(() => parseValue(SERVE_OPTIONS[name], r.from, r.value));
  }

  int(name: SettingName): number | undefined {
    return this.value(name) as number | undefined;
  }

  bool(name: SettingName): boolean | undefined {
    return this.value(name) as boolean | undefined;
  }

  list(name: SettingName): string[] | undefined {
    return this.value(name) as string[] | undefined;
  }

  region(name: SettingName): { value: string; from: string } | undefined {
    const r = this.raw(name);
    if (r !== undefined && !SERVE_OPTIONS[name as 'logsRegion'].item.test(r.value))
      throw new ConfigError(r.from, 'is not a region name (e.g. us-west-2)', r.value);
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
        if (err instanceof InvalidOptionError) throw new ConfigError(r.from, err.reason, r.value);
        throw err;
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
            SERVE_OPTIONS.logs.env,
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
    asConfig(() => redisConnection(redis.value, redis.from));
  }
  const topic = r.raw('topic');
  if (topic !== undefined) {
    if (queuer === 'memory')
      throw new ConfigError(
        topic.from,
        `is set, but jobs go to the in-process queue: set ${SERVE_OPTIONS.queue.env} (or STREAM_APPLIANCE_ENDPOINT) too, or unset it`,
      );
    if (!URL_SEGMENT.test(topic.value)) throw new ConfigError(topic.from, `'${topic.value}' ${URL_SEGMENT_RULE}`);
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
    throw new ConfigError(TOKEN_ENV, BEARER_TOKEN_RULE);
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
  const maxRetry = r.value('auditWebhookMaxRetry') as number | undefined;
  const spoolMaxBytes = r.int('auditSpoolMax');
  const batchSize = r.int('auditBatch');
  const flushMs = r.value('auditFlush') as number | undefined;
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
  const threads = r.int('workers');
  if (threads !== undefined) digester.threads = threads;
  const prefetch = r.int('prefetch');
  if (prefetch !== undefined) digester.prefetchConcurrency = prefetch;
  const bytes = r.int('prefetchBytes');
  if (bytes !== undefined) digester.prefetchBytes = bytes;
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
  // The name only: the SDK resolves the profile's credentials; they are never read or logged here.
  const profile = r.raw('profile');
  if (profile !== undefined) {
    try {
      validateS3ClientOptions({ profile: profile.value });
    } catch {
      throw new ConfigError(profile.from, 'is not a profile name (letters, digits, _ . - @ + = , /)', profile.value);
    }
  }
  if (endpoint === undefined && pathStyle === undefined && profile === undefined) return undefined;
  return {
    ...(endpoint === undefined ? {} : { endpoint: endpoint.value }),
    ...(pathStyle === undefined ? {} : { forcePathStyle: pathStyle }),
    ...(profile === undefined ? {} : { profile: profile.value }),
  };
}

/**
 * Resolve flags and `env` into a validated configuration.
 * @throws ConfigError naming the flag or variable at fault.
 */
export function resolveServeConfig(flags: Flags, env: Env = process.env): ServeConfig {
  checkEnv(env);
  const r = new Readers(flags, env);
  const port = r.int('port') ?? SERVE_OPTIONS.port.default;
  const host = r.raw('host')?.value ?? SERVE_OPTIONS.host.default;
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host))
    throw new ConfigError(r.origins.host!, 'is not a host name or address', host);
  const { logs, store, markers, regions } = resolveLocations(r);
  const { queuer, redis, topic } = resolveQueue(r);
  const auth = resolveAuth(r, env);
  const s3 = resolveS3(r);
  const logLevel = r.value('logLevel') as LogLevel | undefined;

  const service: ServeConfig['service'] = { logs, store, markers, queuer };
  const set = <K extends keyof ServiceOptions>(key: K, v: ServiceOptions[K] | undefined) => {
    if (v !== undefined) (service as ServiceOptions)[key] = v;
  };
  set('regions', regions);
  set('topic', topic);
  set('redis', redis);
  set('progressTimeout', r.value('progressTimeout') as number | undefined);
  set('maxWindow', r.value('maxWindow') as number | undefined);
  set('requestTimeout', r.value('requestTimeout') as number | undefined);
  set('jobs', r.int('jobs'));
  set('maxQueued', r.int('maxQueued'));
  set('scanAccounts', r.list('accounts'));
  set('scanRegions', r.list('regions'));
  set('skipBadObjects', r.bool('skipBadObjects'));
  const fields = r.raw('fields');
  if (fields !== undefined) {
    try {
      set('fields', parseFieldList(fields.value, fields.from));
    } catch (err) {
      if (err instanceof InvalidOptionError) throw new ConfigError(fields.from, err.reason, fields.value);
      throw err;
    }
  }
  const key = r.raw('key');
  if (key !== undefined) {
    try {
      parseKeySpec(key.value, key.from);
      set('key', key.value);
    } catch (err) {
      if (err instanceof InvalidOptionError) throw new ConfigError(key.from, err.reason, key.value);
      throw err;
    }
  }
  set('token', auth.token);
  set('tokens', auth.tokens);
  set('insecureNoAuth', auth.insecureNoAuth);
  set('retention', r.value('retention') as number | undefined);
  set('deliveryLag', r.value('deliveryLag') as number | undefined);
  set('digester', resolveDigester(r));
  set('s3', s3);
  const audit = resolveAudit(r, store);
  return {
    port,
    host,
    grace: (r.value('grace') as number | undefined) ?? D.grace,
    logLevel: logLevel ?? SERVE_OPTIONS.logLevel.default,
    service,
    origins: r.origins,
    ...(audit === undefined ? {} : { audit }),
  };
}

/** Whether `from` is one of the Go service's bucket variables, which hold bare bucket names. */
function isGoBucket(name: SettingName, from: string): boolean {
  return (
    (name === 'logs' || name === 'store' || name === 'markers') &&
    (SERVE_OPTIONS[name].aliases as readonly string[]).includes(from)
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
