/**
 * The built-in logger: one JSON object per line (`time`, `level`, `msg`, then fields). Callers
 * pass only fields that are safe to log: no credentials, no Authorization header, no env.
 */
import type { Writable } from 'node:stream';
import type { Logger, LogLevel } from './types.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** The log levels, for validation. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** A JSON-lines logger writing `level` and above to `out`. */
export function createLogger(level: LogLevel = 'info', out: Writable = process.stdout): Logger {
  const min = RANK[level];
  const write = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] < min) return;
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }, replacer)}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
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

/** An error as log fields: its name, code and message (no stack for expected errors). */
export function errorFields(err: unknown): Record<string, unknown> {
  const e = err as { name?: string; code?: string; message?: string; stack?: string };
  const out: Record<string, unknown> = { error: e?.message ?? String(err) };
  if (e?.code !== undefined) out.error_code = e.code;
  if (e?.name !== undefined) out.error_name = e.name;
  return out;
}

// Stats carry bigints nowhere today, but a digest row would: print them as numbers' digits.
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
