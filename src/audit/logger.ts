/** The logger the auditor reports to: pino's call shape, `(fields, message)`. */

/** A pino-compatible logger (pino itself fits). */
export interface AuditLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The default: one JSON line per message on stderr, so failures are never silent. */
export function stderrLogger(): AuditLogger {
  const write = (level: string) => (fields: object, message: string) => {
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
