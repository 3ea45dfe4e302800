/** `flowdigest digest`: inputs → digest → text or NDJSON. */
import { createDigester, toSources } from '../../engine/digester.js';
import type { DigesterOptions, DigestRunOptions } from '../../engine/options.js';
import type { Digest } from '../../digest/digest.js';
import { type DigestFormat, writeDigest } from '../../digest/write.js';
import type { GraphFormat } from '../../graph/types.js';
import type { OptionValues } from '../../util/option-schema.js';
import { parse, UsageError } from '../args.js';
import { DIGEST_OPTIONS } from '../options.js';
import { DIGEST_HELP } from '../help.js';
import { emptyRunReason, noObjectsMessage } from '../no-objects.js';
import { withOutput } from '../output.js';
import { count } from '../format.js';
import { ProgressLine } from '../progress.js';
import { checkS3Urls, s3Options } from '../s3-options.js';
import { summary } from '../summary.js';
import { OPTIONAL_PACKAGES, requireOptional } from '../../util/optional.js';
import { filterFlags, type RowFilters, runSelection } from '../filters.js';

type Values = OptionValues<typeof DIGEST_OPTIONS>;

export async function digestCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('digest', argv, DIGEST_OPTIONS);
  if (values.help) {
    process.stdout.write(DIGEST_HELP);
    return 0;
  }

  const format = (values.format ?? DIGEST_OPTIONS.format.default) as DigestFormat | GraphFormat;
  const inputs = positionals.length > 0 ? positionals : process.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0) throw new UsageError('no INPUT given (name files or directories, or pipe into -)', 'digest');
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('stdin (-) can be named only once', 'digest');
  checkS3Urls(inputs, values.output, 'digest');
  const s3 = s3Options(values, 'digest');
  const run = runSelection(values, signal, 'digest');
  const filters = filterFlags(values, 'digest');

  if (values.redis !== undefined || values.store !== undefined) {
    return clusterRun(values, inputs, run, format, s3, signal, filters);
  }
  const digester = createDigester(digesterOptions(values, s3));
  // Built here rather than in the digester so the S3 listing stats can explain an empty result.
  const sources = toSources(inputs, { s3 });
  const showProgress = values.progress ?? process.stderr.isTTY === true;
  const bar = showProgress ? new ProgressLine(process.stderr, 'digest') : null;
  if (bar) run.onProgress = bar.update;
  const began = performance.now();
  // Once the last byte is written the workers have nothing left to do: their pool closes while
  // the output is made durable (its fsync, rename and the directory's fsync), not after.
  let closing: Promise<void> | undefined;
  const closeEarly = () => {
    closing ??= digester.close();
    // Awaited below; until then a failure must not count as unhandled.
    closing.catch(() => {});
  };
  try {
    const digest = await digester.digest(sources, run);
    bar?.done();
    await writeResult(
      digest,
      values,
      format,
      { signal, s3, fsync: values.fsync !== false },
      began,
      filters,
      closeEarly,
    );
    if (!values.quiet && digest.stats.objects === 0) process.stderr.write(noObjectsMessage(sources, digest, run));
    return emptyExit(digest, values.allowEmpty === true);
  } finally {
    bar?.done();
    await (closing ?? digester.close());
  }
}

/** 0, or 1 with a one-line reason when nothing was digested (unless --allow-empty). */
function emptyExit(digest: Digest, allowEmpty: boolean): number {
  const why = emptyRunReason(digest);
  if (why === null || allowEmpty) return 0;
  process.stderr.write(`flowdigest: ${why} (--allow-empty exits 0)\n`);
  return 1;
}

/** The local digester's threads, read-ahead and memory limit. */
function digesterOptions(values: Values, s3: ReturnType<typeof s3Options>): DigesterOptions {
  return {
    threads: values.workers,
    prefetchConcurrency: values.prefetch,
    prefetchBytes: values.prefetchBytes,
    maxMemory: values.maxMemory,
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
  options: { signal: AbortSignal; s3: ReturnType<typeof s3Options>; fsync: boolean },
  began: number,
  filters: RowFilters,
  written: () => void = () => {},
): Promise<void> {
  const filtered = Object.keys(filters).length > 0;
  const digest = filtered ? (await import('../../graph/views.js')).filterDigest(whole, filters) : whole;
  await withOutput(
    values.output,
    async (out) => {
      await (format === 'dot' || format === 'svg' || format === 'html'
        ? import('../../graph/graph.js').then(({ writeGraph }) => writeGraph(digest, out, { format }))
        : writeDigest(digest, out, format));
      written();
    },
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

// `digest --redis URL --store DIR`: the same run, planned here and done by `flowdigest work` processes.
async function clusterRun(
  values: Values,
  inputs: string[],
  run: DigestRunOptions,
  format: DigestFormat | GraphFormat,
  s3: ReturnType<typeof s3Options>,
  signal: AbortSignal,
  filters: RowFilters,
): Promise<number> {
  if (values.redis === undefined) throw UsageError.of({ option: '--store', reason: 'needs --redis URL' }, 'digest');
  if (values.store === undefined)
    throw UsageError.of(
      { option: '--redis', reason: 'needs --store DIR: a directory the workers share with this process' },
      'digest',
    );
  if (inputs.includes('-'))
    throw new UsageError('stdin (-) cannot be shared with cluster workers; name files or s3:// URLs', 'digest');
  requireOptional('flowdigest digest --redis', OPTIONAL_PACKAGES.cluster);
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
      jobBytes: values.jobBytes,
      mergeJobs: values.mergeJobs,
      onProgress: bar?.update,
    });
    bar?.done();
    await writeResult(digest, values, format, { signal, s3, fsync: values.fsync !== false }, began, filters);
    return emptyExit(digest, values.allowEmpty === true);
  } finally {
    bar?.done();
  }
}
