/** `flowdigest digest`: inputs → digest → text or NDJSON. */
import { createDigester, toSources } from '../../engine/digester.js';
import type { DigesterOptions, DigestRunOptions } from '../../engine/options.js';
import type { Digest } from '../../digest/digest.js';
import { DIGEST_FORMATS, type DigestFormat, writeDigest } from '../../digest/write.js';
import { GRAPH_FORMATS, type GraphFormat } from '../../graph/types.js';
import { parse, parseChoice, parseList, parsePositiveInt, parseSize, parseTime, UsageError } from '../args.js';
import { DIGEST_HELP } from '../help.js';
import { noObjectsMessage } from '../no-objects.js';
import { withOutput } from '../output.js';
import { count } from '../format.js';
import { ProgressLine } from '../progress.js';
import { checkS3Urls, S3_FLAGS, s3Options } from '../s3-options.js';
import { summary } from '../summary.js';
import { filterFlags, type RowFilters } from '../filters.js';

export async function digestCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('digest', argv, {
    output: { type: 'string', short: 'o' },
    format: { type: 'string', short: 'f' },
    workers: { type: 'string', short: 'w' },
    start: { type: 'string' },
    end: { type: 'string' },
    account: { type: 'string' },
    region: { type: 'string' },
    cidr: { type: 'string' },
    port: { type: 'string' },
    action: { type: 'string' },
    strict: { type: 'boolean' },
    'skip-bad-objects': { type: 'boolean' },
    prefetch: { type: 'string' },
    'prefetch-bytes': { type: 'string' },
    'max-memory': { type: 'string' },
    redis: { type: 'string' },
    store: { type: 'string' },
    'job-bytes': { type: 'string' },
    'merge-jobs': { type: 'string' },
    progress: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    ...S3_FLAGS,
  });
  if (values.help) {
    process.stdout.write(DIGEST_HELP);
    return 0;
  }

  const format: DigestFormat | GraphFormat =
    values.format === undefined
      ? 'text'
      : parseChoice('--format', values.format, [...DIGEST_FORMATS, ...GRAPH_FORMATS], 'digest');
  const inputs = positionals.length > 0 ? positionals : process.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0) throw new UsageError('no INPUT given (name files or directories, or pipe into -)', 'digest');
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('stdin (-) can be named only once', 'digest');
  checkS3Urls(inputs, values.output, 'digest');
  const s3 = s3Options(values, 'digest');
  const run = runOptions(values, signal);
  const filters = filterFlags(values, 'digest');

  if (values.redis !== undefined || values.store !== undefined) {
    return clusterRun(values as ClusterFlags, inputs, run, format, s3, signal, filters);
  }
  const digester = createDigester(digesterOptions(values, s3));
  // Built here rather than in the digester so the S3 listing stats can explain an empty result.
  const sources = toSources(inputs, { s3 });
  const showProgress = values.progress ?? process.stderr.isTTY === true;
  const bar = showProgress ? new ProgressLine(process.stderr, 'digest') : null;
  if (bar) run.onProgress = bar.update;
  const began = performance.now();
  try {
    const digest = await digester.digest(sources, run);
    bar?.done();
    await writeResult(digest, values, format, { signal, s3 }, began, filters);
    if (!values.quiet && digest.stats.objects === 0) process.stderr.write(noObjectsMessage(sources, digest, run));
    return 0;
  } finally {
    bar?.done();
    await digester.close();
  }
}

type Values = Record<string, string | boolean | undefined>;

/** The run's selection and strictness: --start/--end, --account/--region, --strict, --skip-bad-objects. */
function runOptions(values: Values, signal: AbortSignal): DigestRunOptions {
  const str = (k: string) => values[k] as string | undefined;
  const run: DigestRunOptions = {
    signal,
    strict: values.strict === true,
    skipBadObjects: values['skip-bad-objects'] === true,
  };
  if (str('start') !== undefined) run.start = parseTime('--start', str('start')!, 'digest');
  if (str('end') !== undefined) run.end = parseTime('--end', str('end')!, 'digest');
  if (run.start && run.end && run.start >= run.end) throw new UsageError('--start must be before --end', 'digest');
  if (str('account') !== undefined) run.accounts = parseList('--account', str('account')!, 'digest');
  if (str('region') !== undefined) run.regions = parseList('--region', str('region')!, 'digest');
  return run;
}

/** The local digester's threads, read-ahead and memory limit. */
function digesterOptions(values: Values, s3: ReturnType<typeof s3Options>): DigesterOptions {
  const int = (k: string) =>
    values[k] === undefined ? undefined : parsePositiveInt(`--${k}`, values[k] as string, 'digest');
  const size = (k: string) =>
    values[k] === undefined ? undefined : parseSize(`--${k}`, values[k] as string, 'digest');
  return {
    threads: int('workers'),
    prefetchConcurrency: int('prefetch'),
    prefetchBytes: size('prefetch-bytes'),
    maxMemory: size('max-memory'),
    s3,
  };
}

/**
 * Write the digest (or its graph: graphlib is loaded only then), then the summary. The row
 * filters (--cidr, --port, --action) apply to the finished rows, as dot applies them.
 */
async function writeResult(
  whole: Digest,
  values: { output?: string; quiet?: boolean },
  format: DigestFormat | GraphFormat,
  options: { signal: AbortSignal; s3: ReturnType<typeof s3Options> },
  began: number,
  filters: RowFilters,
): Promise<void> {
  const filtered = Object.keys(filters).length > 0;
  const digest = filtered ? (await import('../../graph/views.js')).applyView(whole, filters).digest : whole;
  await withOutput(
    values.output,
    (out) =>
      format === 'dot' || format === 'svg' || format === 'html'
        ? import('../../graph/graph.js').then(({ writeGraph }) => writeGraph(digest, out, { format }))
        : writeDigest(digest, out, format),
    options,
  );
  if (!values.quiet) {
    process.stderr.write(summary('digest', digest, (performance.now() - began) / 1000));
    if (filtered) {
      const f = [
        ...(filters.cidrs ? [`cidr ${filters.cidrs.join(',')}`] : []),
        ...(filters.ports ? [`port ${filters.ports.join(',')}`] : []),
        ...(filters.actions ? [`action ${filters.actions.join(',')}`] : []),
      ];
      process.stderr.write(`  filters ${f.join(', ')}: kept ${count(digest.size)} of ${count(whole.size)} rows\n`);
    }
  }
}

interface ClusterFlags {
  redis?: string;
  store?: string;
  'job-bytes'?: string;
  'merge-jobs'?: string;
  output?: string;
  quiet?: boolean;
  progress?: boolean;
}

// `digest --redis URL --store DIR`: the same run, planned here and done by `flowdigest work` processes.
async function clusterRun(
  values: ClusterFlags,
  inputs: string[],
  run: DigestRunOptions,
  format: DigestFormat | GraphFormat,
  s3: ReturnType<typeof s3Options>,
  signal: AbortSignal,
  filters: RowFilters,
): Promise<number> {
  if (values.redis === undefined) throw new UsageError('--store needs --redis URL', 'digest');
  if (values.store === undefined)
    throw new UsageError('--redis needs --store DIR: a directory the workers share with this process', 'digest');
  if (inputs.includes('-'))
    throw new UsageError('stdin (-) cannot be shared with cluster workers; name files or s3:// URLs', 'digest');
  const [{ clusterDigest }, { storeFor }] = await Promise.all([
    import('../../cluster/run.js'),
    import('../../cluster/store.js'),
  ]);
  const bar = (values.progress ?? process.stderr.isTTY === true) ? new ProgressLine(process.stderr, 'digest') : null;
  const began = performance.now();
  try {
    const digest = await clusterDigest(inputs, {
      ...run,
      signal,
      s3,
      redis: values.redis,
      store: storeFor(values.store, s3),
      jobBytes: values['job-bytes'] === undefined ? undefined : parseSize('--job-bytes', values['job-bytes'], 'digest'),
      mergeJobs:
        values['merge-jobs'] === undefined
          ? undefined
          : parsePositiveInt('--merge-jobs', values['merge-jobs'], 'digest'),
      onProgress: bar?.update,
    });
    bar?.done();
    await writeResult(digest, values, format, { signal, s3 }, began, filters);
    return 0;
  } finally {
    bar?.done();
  }
}
