/**
 * JSON-line logs: one object per line with `time`, `level`, `event` and the stream's fields
 * (stream, window, page, records, bytes, retries). Callers never pass secrets; sources hold
 * them in closures and send them only in request headers.
 */
import type { CollectorOptions, LogFields } from './types.js';

/** Writes one log line. */
export type LogWriter = (level: 'info' | 'warn' | 'error', event: string, fields: LogFields) => void;

/** A writer for the collector's `log` option. */
export function createLogWriter(target: CollectorOptions['log'] = process.stderr): LogWriter {
  return (level, event, fields) => {
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, event };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) line[k] = v;
    if (typeof target === 'function') target(line);
    else target.write(`${JSON.stringify(line)}\n`);
  };
}
