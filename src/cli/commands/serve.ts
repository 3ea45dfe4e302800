/** `flowdigest serve`: the digest service, configured from flags and the environment. */
import { createAuditor } from '../../audit/auditor.js';
import { sinksFromFlags } from '../../audit/flags.js';
import type { AuditLogger } from '../../audit/logger.js';
import type { Auditor } from '../../audit/types.js';
import { ConfigError, InvalidOptionError } from '../../errors.js';
import { resolveServeConfig, type ServeConfig } from '../../service/config.js';
import { SERVE_OPTIONS } from '../../service/settings.js';
import { createLogger } from '../../service/logger.js';
import { createService } from '../../service/service.js';
import type { Logger, Service } from '../../service/types.js';
import { parseRaw, UsageError } from '../args.js';
import { SERVE_HELP } from '../help.js';

export async function serveCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { flags, positionals } = parseRaw('serve', argv, SERVE_OPTIONS);
  if (flags.help === true) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`serve takes no arguments (got '${positionals[0]}'); use --logs DIR`, 'serve');
  let config: ServeConfig;
  try {
    config = resolveServeConfig(flags, process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw asUsage(err);
    throw err;
  }
  // The SDK's Node-version warning would land among the JSON log lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const logger = createLogger(config.logLevel);
  let auditor: Auditor | undefined;
  let service: Service;
  try {
    auditor = await startAuditor(config, logger);
    service = createService({ ...config.service, logger, ...(auditor === undefined ? {} : { auditor }) });
  } catch (err) {
    await auditor?.close(0);
    if (err instanceof InvalidOptionError || err instanceof ConfigError) throw asUsage(err);
    throw err;
  }
  if (signal.aborted) {
    await service.close(0);
    return 130;
  }
  try {
    await service.listen(config.port, config.host);
  } catch (err) {
    await service.close(0);
    if (err instanceof InvalidOptionError && err.field === 'host') {
      // The bind rule: one line, no usage hint (nothing is wrong with the command line as such).
      process.stderr.write(
        `flowdigest serve: refusing to listen on ${config.host}${config.origins.host ? ` (${config.origins.host})` : ''} without tokens: give --tokens FILE (or FLOWDIGEST_TOKEN), or --insecure-no-auth\n`,
      );
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(
        `cannot listen on ${config.host}:${config.port} (${code})${config.origins.port ? ` (set by ${config.origins.port})` : ''}`,
        'serve',
        { option: config.origins.port ?? '--port', value: String(config.port), reason: code },
      );
    }
    throw err;
  }
  // SIGTERM/SIGINT (the signal): 503 "stopping" while running jobs get the grace period.
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await service.close(config.grace);
  return 0;
}

/** A configuration fault as a usage error: the same option, value and reason. */
function asUsage(err: ConfigError | InvalidOptionError): UsageError {
  return UsageError.of(
    { option: err.option, reason: err.reason, ...(err.value === undefined ? {} : { value: err.value }) },
    'serve',
  );
}

/** The audit trail from the audit settings: its sinks, then the spool (recovered: undelivered events are sent). */
async function startAuditor(config: ServeConfig, logger: Logger): Promise<Auditor | undefined> {
  if (config.audit === undefined) return undefined;
  const auditLogger: AuditLogger = {
    info: (fields, msg) => logger.info(msg, { component: 'audit', ...fields }),
    warn: (fields, msg) => logger.warn(msg, { component: 'audit', ...fields }),
    error: (fields, msg) => logger.error(msg, { component: 'audit', ...fields }),
  };
  const { audit } = config;
  const sinks = sinksFromFlags({
    ...audit.sinks,
    env: process.env,
    logger: auditLogger,
    ...(config.service.s3 === undefined ? {} : { s3: config.service.s3 }),
  });
  return createAuditor({
    events: audit.events,
    sinks,
    spoolDir: audit.spoolDir,
    logger: auditLogger,
    ...(audit.spoolMaxBytes === undefined ? {} : { spoolMaxBytes: audit.spoolMaxBytes }),
    ...(audit.batchSize === undefined ? {} : { batchSize: audit.batchSize }),
    ...(audit.flushMs === undefined ? {} : { flushMs: audit.flushMs }),
  });
}
