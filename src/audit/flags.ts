/**
 * The sinks `flowdigest serve` builds from its flags:
 * `--audit-log FILE|-`, `--audit-webhook URL` with `--audit-webhook-secret` (or
 * `FLOWDIGEST_AUDIT_WEBHOOK_SECRET`), `--audit-store DIR|s3://BUCKET/PREFIX`.
 */
import { join } from 'node:path';
import { ConfigError, InvalidOptionError } from '../errors.js';
import { checkInteger, parseInteger } from '../util/parse.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import type { AuditLogger } from './logger.js';
import { logSink } from './sinks/log.js';
import { storeSink } from './sinks/store.js';
import { webhookSink } from './sinks/webhook.js';
import type { AuditSink } from './types.js';

/** The env variable that holds the webhook signing secret. */
export const WEBHOOK_SECRET_ENV = 'FLOWDIGEST_AUDIT_WEBHOOK_SECRET';

/** serve's audit flags, as parsed strings. */
export interface AuditSinkFlags {
  /** `--audit-log FILE|-` */
  log?: string;
  /** `--audit-webhook URL` */
  webhook?: string;
  /** `--audit-webhook-secret SECRET`; prefer the env variable (a flag shows in `ps`). */
  webhookSecret?: string;
  /** `--audit-webhook-dead-letter FILE` @default `{spoolDir}/webhook-dead-letter.ndjson` */
  webhookDeadLetter?: string;
  /** `--audit-webhook-max-retry MS` (a number of ms as a string, or a number) @default 60000 */
  webhookMaxRetryMs?: string | number;
  /** `--audit-store DIR|s3://BUCKET/PREFIX` */
  store?: string;
  /** The spool directory, where the dead-letter file goes by default. */
  spoolDir: string;
  /** S3 client options for an s3:// store (serve's endpoint and region settings). */
  s3?: S3ClientOptions;
  /** Where the secret is read when the flag is absent. @default process.env */
  env?: Record<string, string | undefined>;
  /** Told when the secret came from the command line. */
  logger?: AuditLogger;
}

/**
 * Build the sinks the flags ask for (none when no audit flag is given).
 * @throws ConfigError naming the flag: a webhook without a secret, a secret without a webhook,
 *   or an invalid URL, path or number.
 */
export function sinksFromFlags(flags: AuditSinkFlags): AuditSink[] {
  const env = flags.env ?? process.env;
  const sinks: AuditSink[] = [];
  // Option errors name the library option (`webhook.url`); the operator typed a flag: the same
  // fault (reason, value) under the flag that `flagOf` picks from the option.
  const as = <T>(build: () => T, flagOf: (option: string) => string): T => {
    try {
      return build();
    } catch (err) {
      if (err instanceof InvalidOptionError) throw ConfigError.of(err, flagOf(err.option));
      throw err;
    }
  };
  if (flags.log !== undefined)
    sinks.push(
      as(
        () => logSink({ path: flags.log! }),
        () => '--audit-log',
      ),
    );
  const secret = flags.webhookSecret ?? env[WEBHOOK_SECRET_ENV];
  if (flags.webhook !== undefined) {
    if (secret === undefined || secret === '') {
      throw new ConfigError(
        '--audit-webhook',
        `needs a signing secret: set ${WEBHOOK_SECRET_ENV} (or --audit-webhook-secret)`,
      );
    }
    if (flags.webhookSecret !== undefined) {
      flags.logger?.warn(
        { flag: '--audit-webhook-secret' },
        `the webhook secret was given on the command line, where other users can see it; prefer ${WEBHOOK_SECRET_ENV}`,
      );
    }
    const maxRetry = flags.webhookMaxRetryMs;
    const maxRetryMs =
      maxRetry === undefined
        ? undefined
        : as(
            () =>
              typeof maxRetry === 'number'
                ? checkInteger('--audit-webhook-max-retry', maxRetry, { min: 0, max: 3_600_000 })
                : parseInteger('--audit-webhook-max-retry', maxRetry, { min: 0, max: 3_600_000 }),
            (option) => option,
          );
    const deadLetterPath = flags.webhookDeadLetter ?? join(flags.spoolDir, 'webhook-dead-letter.ndjson');
    const flagOf = (option: string) =>
      option === 'webhook.deadLetterPath'
        ? '--audit-webhook-dead-letter'
        : option === 'webhook.secret'
          ? flags.webhookSecret !== undefined
            ? '--audit-webhook-secret'
            : WEBHOOK_SECRET_ENV
          : '--audit-webhook';
    sinks.push(as(() => webhookSink({ url: flags.webhook!, secret, deadLetterPath, maxRetryMs }), flagOf));
  } else if (flags.webhookSecret !== undefined) {
    throw new ConfigError('--audit-webhook-secret', 'is given without --audit-webhook');
  }
  if (flags.store !== undefined)
    sinks.push(
      as(
        () => storeSink({ location: flags.store!, s3: flags.s3 }),
        () => '--audit-store',
      ),
    );
  return sinks;
}
