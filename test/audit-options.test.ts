// Every createAuditor option and sink option is validated once, with an error naming it; the
// flags serve passes become sinks or a ConfigError naming the flag.
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import {
  ConfigError,
  createAuditor,
  type InvalidOptionError,
  logSink,
  sinksFromFlags,
  storeSink,
  webhookSink,
  type AuditorOptions,
} from '../dist/audit/index.js';
import { memoryLogger } from './support/audit-receiver.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-audit-options-');
const sink = { name: 'x', send: async () => {} };
const base = (): AuditorOptions => ({ sinks: [sink], spoolDir: join(dir, 'spool'), logger: memoryLogger() });

it.each([
  ['spoolDir', '', 'options.spoolDir must be a directory path'],
  ['spoolDir', 7, 'options.spoolDir must be a directory path'],
  ['spoolMaxBytes', 100, 'options.spoolMaxBytes must be an integer from 1024 to 1099511627776'],
  ['spoolMaxBytes', 1.5e6 + 0.5, 'options.spoolMaxBytes must be an integer from 1024 to 1099511627776'],
  ['batchSize', 0, 'options.batchSize must be an integer from 1 to 10000'],
  ['batchSize', '10', 'options.batchSize must be an integer from 1 to 10000'],
  ['batchSize', 10_001, 'options.batchSize must be an integer from 1 to 10000'],
  ['flushMs', 0, 'options.flushMs must be an integer from 1 to 3600000'],
  ['flushMs', Number.NaN, 'options.flushMs must be an integer from 1 to 3600000'],
  ['maxDeliveryMs', -1, 'options.maxDeliveryMs must be an integer from 1 to 3600000'],
  ['retryBaseMs', 0, 'options.retryBaseMs must be an integer from 1 to 3600000'],
  ['retryMaxMs', 1, 'options.retryMaxMs must be an integer from 1000 to 3600000'],
  ['maxEventBytes', 10, 'options.maxEventBytes must be an integer from 256 to 67108864'],
  ['registry', {}, 'options.registry must be a prom-client Registry'],
  ['logger', { info() {} }, 'options.logger must have info, warn and error methods (pino fits)'],
  ['now', 5, 'options.now must be a function returning ms since the epoch'],
  ['events', 5, 'options.events must be a noun:verb list (e.g. "*:*") or a filter from parseAuditEvents'],
  [
    'events',
    'digest:raed',
    "options.events 'digest:raed' has an unknown verb 'raed' (did you mean read?); digest takes: requested, created, failed, read, *",
  ],
  ['sinks', [], 'options.sinks must be a non-empty array of sinks (without a sink the spool would only fill up)'],
  [
    'sinks',
    [{ name: 'a b', send() {} }],
    'options.sinks[0].name must be 1-64 characters of A-Z, a-z, 0-9, _ . : - (starting with a letter or digit)',
  ],
  [
    'sinks',
    [sink, { name: 'x', send() {} }],
    "options.sinks[1].name 'x' is used by another sink; give each sink its own name (it keys the sink's position in the spool)",
  ],
  ['sinks', [{ name: 'y' }], 'options.sinks[0].send must be a function'],
])('createAuditor rejects %s = %j', async (name, value, message) => {
  const err = await createAuditor({ ...base(), [name]: value } as AuditorOptions).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toBe(message);
  expect((err as InvalidOptionError).field?.startsWith(`options.${name}`)).toBe(true);
});

it('accepts every option at its bounds, and the registry given', async () => {
  const registry = new Registry();
  const a = await createAuditor({
    ...base(),
    spoolMaxBytes: 1024,
    batchSize: 10_000,
    flushMs: 1,
    maxDeliveryMs: 1,
    retryBaseMs: 1,
    retryMaxMs: 1,
    maxEventBytes: 1024,
    registry,
    now: () => 0,
  });
  expect(await registry.getMetricsAsJSON()).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'flowdigest_audit_events_total' })]),
  );
  await a.close(0);
  // Unregistered on close: a new auditor can use the same registry.
  const b = await createAuditor({ ...base(), registry });
  await b.close(0);
});

it('record() checks the event', async () => {
  const a = await createAuditor(base());
  try {
    const actor = { name: 'n', ip: '1.2.3.4', authentication: 'token' as const };
    const ok = { type: 'digest' as const, action: 'read' as const, actor, payload: {}, status: 'success' as const };
    await expect(a.record({ ...ok, action: 'denied' })).rejects.toThrow(
      "event.type 'digest:denied' is not an audit event (see AUDIT_EVENTS)",
    );
    await expect(a.record({ ...ok, actor: { ...actor, authentication: 'basic' as 'token' } })).rejects.toThrow(
      "event.actor.authentication must be 'token' or 'none'",
    );
    await expect(a.record({ ...ok, payload: [] as unknown as Record<string, unknown> })).rejects.toThrow(
      'event.payload must be an object',
    );
    await expect(a.record({ ...ok, payload: { big: 1n } })).rejects.toThrow(
      /^event\.payload must be JSON-serialisable/,
    );
    await expect(a.record({ ...ok, payload: { s: 'x'.repeat(70_000) } })).rejects.toThrow(
      /^event\.payload makes the event 70\d\d\d bytes, over maxEventBytes \(65536\)$/,
    );
    await expect(a.record({ ...ok, status: 'ok' as 'success' })).rejects.toThrow(
      "event.status must be 'success' or 'failure'",
    );
  } finally {
    await a.close(0);
  }
});

it.each([
  [
    () => webhookSink({ url: 'ftp://x/', secret: 's'.repeat(16), deadLetterPath: 'd' }),
    'webhook.url must be an http:// or https:// URL without credentials',
  ],
  [
    () => webhookSink({ url: 'https://user:pw@x/', secret: 's'.repeat(16), deadLetterPath: 'd' }),
    'webhook.url must be an http:// or https:// URL without credentials',
  ],
  [
    () => webhookSink({ url: 'https://x/', secret: 'short', deadLetterPath: 'd' }),
    'webhook.secret must be a string of at least 16 bytes (set FLOWDIGEST_AUDIT_WEBHOOK_SECRET)',
  ],
  [
    () => webhookSink({ url: 'https://x/', secret: 's'.repeat(16), deadLetterPath: '' }),
    'webhook.deadLetterPath must be a file path',
  ],
  [
    () => webhookSink({ url: 'https://x/', secret: 's'.repeat(16), deadLetterPath: 'd', maxRetryMs: -5 }),
    'webhook.maxRetryMs must be an integer from 0 to 3600000',
  ],
  [() => logSink({ path: '' }), "log.path must be a file path or '-' for stdout"],
  [() => storeSink({ location: '' }), 'store.location must be a directory or s3://bucket/prefix'],
  [
    () => storeSink({ location: 's3://Bad_Bucket/x' }),
    "'s3://Bad_Bucket/x' is not a valid S3 URL: bucket name 'Bad_Bucket' must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit",
  ],
  [() => storeSink({ location: dir, s3: { region: 'us-east-1' } }), 'store.s3 applies only to an s3:// location'],
  [
    () => storeSink({ location: 's3://bucket/x', s3: { endpoint: 'localhost:9000' } }),
    'store.s3.endpoint must be an http:// or https:// URL without credentials',
  ],
])('sink options: %#', (build, message) => {
  expect(build).toThrow(expect.objectContaining({ code: 'FD_ERR_INVALID_OPTION', message }));
});

it('sinksFromFlags builds one sink per flag, the secret from the env', () => {
  const logger = memoryLogger();
  const sinks = sinksFromFlags({
    log: '-',
    webhook: 'https://hooks.example/audit',
    store: 's3://audit-bucket/trail/',
    spoolDir: dir,
    env: { FLOWDIGEST_AUDIT_WEBHOOK_SECRET: 'from-the-env-0123456789' },
    logger,
  });
  expect(sinks.map((s) => s.name)).toEqual(['log', 'webhook', 'store']);
  expect(logger.lines).toEqual([]);
  expect(sinksFromFlags({ spoolDir: dir, env: {} })).toEqual([]);
  // A secret on the command line works, with a warning that does not repeat it.
  sinksFromFlags({
    webhook: 'https://hooks.example/',
    webhookSecret: 'on-the-command-line-0123',
    spoolDir: dir,
    env: {},
    logger,
  });
  expect(logger.lines.map((l) => l.msg)).toEqual([
    'the webhook secret was given on the command line, where other users can see it; prefer FLOWDIGEST_AUDIT_WEBHOOK_SECRET',
  ]);
  expect(JSON.stringify(logger.lines)).not.toContain('on-the-command-line');
});

it.each([
  [
    { webhook: 'https://h/' },
    '--audit-webhook',
    '--audit-webhook needs a signing secret: set FLOWDIGEST_AUDIT_WEBHOOK_SECRET (or --audit-webhook-secret)',
  ],
  [
    { webhookSecret: 'x'.repeat(20) },
    '--audit-webhook-secret',
    '--audit-webhook-secret is given without --audit-webhook',
  ],
  [
    { webhook: 'h/', webhookSecret: 'x'.repeat(20) },
    '--audit-webhook',
    '--audit-webhook must be an http:// or https:// URL without credentials',
  ],
  [
    { webhook: 'https://h/', webhookSecret: 'short' },
    '--audit-webhook-secret',
    '--audit-webhook-secret must be a string of at least 16 bytes (set FLOWDIGEST_AUDIT_WEBHOOK_SECRET)',
  ],
  [
    { webhook: 'https://h/', webhookSecret: 'x'.repeat(20), webhookMaxRetryMs: '1m' },
    '--audit-webhook-max-retry',
    "--audit-webhook-max-retry '1m' must be an integer from 0 to 3600000",
  ],
  [{ log: '' }, '--audit-log', "--audit-log must be a file path or '-' for stdout"],
  [
    { store: 's3://x' },
    '--audit-store',
    "--audit-store 's3://x' is not a valid S3 URL: bucket name 'x' must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit",
  ],
])('sinksFromFlags(%j) throws a ConfigError naming %s', (flags, field, message) => {
  expect(() => sinksFromFlags({ ...flags, spoolDir: dir, env: {} })).toThrow(
    expect.objectContaining({ code: 'FD_ERR_CONFIG', field, message }),
  );
  try {
    sinksFromFlags({ ...flags, spoolDir: dir, env: {} });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
  }
});
