/**
 * The service's logger: pino, one JSON object per line (`level`, `time`, `msg`, then fields).
 * Callers pass only fields that are safe to log; as a second guard, pino redacts any field
 * named like a credential (authorization, token, secret, password), wherever it sits.
 */
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger, LogLevel } from './types.js';

/** The log levels, for validation. */
export { LOG_LEVELS } from './settings.js';

const SECRET_FIELDS = ['authorization', 'token', 'secret', 'password'];
const REDACT = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), ...SECRET_FIELDS.map((f) => `*.*.${f}`)];

/** A JSON-lines logger (pino) writing `level` and above to `out`. */
export function createLogger(level: LogLevel = 'info', out: Writable = process.stdout): Logger {
  const p = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    out,
  );
  return fromPino(p);
}

/** Our Logger interface over a pino logger (fields first, as pino takes them). */
export function fromPino(p: pino.Logger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
  };
}

/** A logger that adds `fields` to every line. */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (m, f) => logger.debug(m, { ...fields, ...f }),
    info: (m, f) => logger.info(m, { ...fields, ...f }),
    warn: (m, f) => logger.warn(m, { ...fields, ...f }),
    error: (m, f) => logger.error(m, { ...fields, ...f }),
  };
}

/**
 * An error as log fields: its message, code and name, and with `stack: true` its stack (for
 * 5xx answers and failed jobs, where someone has to find the fault; expected errors such as a
 * 400 or a full queue are logged without it).
 */
export function errorFields(err: unknown, options: { stack?: boolean } = {}): Record<string, unknown> {
  const e = err as { name?: string; code?: string; message?: string; stack?: string } | null;
  const out: Record<string, unknown> = { error: e?.message ?? String(err) };
  if (e?.code !== undefined) out.error_code = e.code;
  if (e?.name !== undefined) out.error_name = e.name;
  if (options.stack && typeof e?.stack === 'string') out.stack = e.stack;
  return out;
}
