/** `flowdigest work`: a cluster worker, until SIGTERM or SIGINT. */
import { storeFor } from '../../cluster/store.js';
import { describeRedis } from '../../cluster/redis.js';
import { parse, UsageError } from '../args.js';
import { WORK_OPTIONS } from '../options.js';
import { WORK_HELP } from '../help.js';
import { s3Options } from '../s3-options.js';

export async function workCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('work', argv, WORK_OPTIONS, process.env);
  if (values.help) {
    process.stdout.write(WORK_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, 'work');
  const redis = values.redis;
  if (redis === undefined)
    throw UsageError.of({ option: '--redis', reason: 'URL (or FLOWDIGEST_REDIS) is required' }, 'work');
  const storeDir = values.store;
  if (storeDir === undefined)
    throw UsageError.of(
      {
        option: '--store',
        reason: 'DIR (or FLOWDIGEST_STORE) is required: a directory or s3:// prefix every worker and the planner share',
      },
      'work',
    );
  const graceMs = values.graceMs ?? WORK_OPTIONS.graceMs.default;
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`flowdigest work: ${line}\n`);
  const s3 = s3Options(values, 'work');
  const { startWorker } = await import('../../cluster/work.js');
  const worker = await startWorker({
    redis,
    store: storeFor(storeDir, s3),
    concurrency: values.concurrency,
    threads: values.workers,
    lockMs: values.lockMs,
    s3,
    expireSeconds: values.expireHours === undefined ? undefined : values.expireHours * 3600,
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
