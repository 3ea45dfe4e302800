/** `flowdigest work`: a cluster worker, until SIGTERM or SIGINT. */
import { storeFor } from '../../cluster/store.js';
import { describeRedis } from '../../cluster/redis.js';
import { parse, parsePositiveInt, UsageError } from '../args.js';
import { WORK_HELP } from '../help.js';
import { S3_FLAGS, s3Options } from '../s3-options.js';

export async function workCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('work', argv, {
    redis: { type: 'string' },
    store: { type: 'string' },
    concurrency: { type: 'string', short: 'c' },
    workers: { type: 'string', short: 'w' },
    'lock-ms': { type: 'string' },
    'grace-ms': { type: 'string' },
    'expire-hours': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    ...S3_FLAGS,
  });
  if (values.help) {
    process.stdout.write(WORK_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, 'work');
  const redis = values.redis ?? process.env.FLOWDIGEST_REDIS;
  if (redis === undefined) throw new UsageError('--redis URL (or FLOWDIGEST_REDIS) is required', 'work');
  const storeDir = values.store ?? process.env.FLOWDIGEST_STORE;
  if (storeDir === undefined)
    throw new UsageError(
      '--store DIR (or FLOWDIGEST_STORE) is required: a directory or s3:// prefix every worker and the planner share',
      'work',
    );
  const graceMs =
    values['grace-ms'] === undefined ? 30_000 : parsePositiveInt('--grace-ms', values['grace-ms'], 'work');
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`flowdigest work: ${line}\n`);
  const s3 = s3Options(values, 'work');
  const { startWorker } = await import('../../cluster/work.js');
  const worker = await startWorker({
    redis,
    store: storeFor(storeDir, s3),
    concurrency:
      values.concurrency === undefined ? undefined : parsePositiveInt('--concurrency', values.concurrency, 'work'),
    threads: values.workers === undefined ? undefined : parsePositiveInt('--workers', values.workers, 'work'),
    lockMs: values['lock-ms'] === undefined ? undefined : parsePositiveInt('--lock-ms', values['lock-ms'], 'work'),
    s3,
    expireSeconds:
      values['expire-hours'] === undefined
        ? undefined
        : parsePositiveInt('--expire-hours', values['expire-hours'], 'work') * 3600,
    log,
  });
  log?.(`ready: ${describeRedis(redis)}, store ${storeDir}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  log?.(`stopping: running jobs have ${graceMs} ms to finish, then go back to the queue`);
  await worker.close(graceMs);
  return 0;
}
