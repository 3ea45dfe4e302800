/** `flowdigest serve`: the digest service, configured from flags and the environment. */
import { ConfigError, InvalidOptionError } from '../../errors.js';
import { resolveServeConfig, type ServeConfig, SETTINGS } from '../../service/config.js';
import { createLogger } from '../../service/logger.js';
import { createService } from '../../service/service.js';
import type { Service } from '../../service/types.js';
import { parse, UsageError } from '../args.js';
import { SERVE_HELP } from '../help.js';

const FLAGS = Object.fromEntries(Object.values(SETTINGS).map((s) => [s.flag, { type: ('boolean' in s && s.boolean ? 'boolean' : 'string') as 'boolean' | 'string' }]));

export async function serveCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('serve', argv, { ...FLAGS, help: { type: 'boolean', short: 'h' } });
  if (values.help) { process.stdout.write(SERVE_HELP); return 0; }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got '${positionals[0]}'); use --logs DIR`, 'serve');
  let config: ServeConfig;
  try {
    config = resolveServeConfig(values as Record<string, string | boolean>, process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, 'serve');
    throw err;
  }
  // The SDK's Node-version warning would land among the JSON log lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const logger = createLogger(config.logLevel);
  let service: Service;
  try {
    service = createService({ ...config.service, logger });
  } catch (err) {
    if (err instanceof InvalidOptionError) throw new UsageError(err.message, 'serve');
    throw err;
  }
  if (signal.aborted) { await service.close(0); return 130; }
  try {
    await service.listen(config.port, config.host);
  } catch (err) {
    await service.close(0);
    if (err instanceof InvalidOptionError && err.field === 'host') {
      // The bind rule: one line, no usage hint (nothing is wrong with the command line as such).
      process.stderr.write(`flowdigest serve: refusing to listen on ${config.host}${config.origins.host ? ` (${config.origins.host})` : ''} without tokens: give --tokens FILE (or FLOWDIGEST_TOKEN), or --insecure-no-auth\n`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(`cannot listen on ${config.host}:${config.port} (${code})${config.origins.port ? ` (set by ${config.origins.port})` : ''}`, 'serve');
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
