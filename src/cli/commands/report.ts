/** `flowdigest report`: digests or flow logs → talkers, rejected, exposed, probes and new tuples as text, JSON or HTML. */
import { once } from 'node:events';
import type { Digest } from '../../digest/digest.js';
import type { DigestRunOptions } from '../../engine/options.js';
import { buildReport, resolveReportOptions } from '../../report/model.js';
import { readReportInputs } from '../../report/report.js';
import type { ReportOptions } from '../../report/types.js';
import { parse, parseList, parsePositiveInt, parseSize, parseTime, UsageError } from '../args.js';
import { count } from '../format.js';
import { REPORT_HELP } from '../help.js';
import { withOutput } from '../output.js';
import { checkS3Urls, S3_FLAGS, s3Options } from '../s3-options.js';
import { skippedNote } from '../summary.js';
import { graphFormat } from './dot.js';
import { GRAPH_MAX_EDGES } from '../../graph/svg.js';
import { cidrFlag, filterFlags } from '../filters.js';

const FORMATS = ['text', 'json', 'html'] as const;
type ReportFormat = (typeof FORMATS)[number];

const FLAGS = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  baseline: { type: 'string', multiple: true },
  top: { type: 'string' },
  'graph-top': { type: 'string' },
  internal: { type: 'string' },
  cidr: { type: 'string' },
  port: { type: 'string' },
  action: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  account: { type: 'string' },
  region: { type: 'string' },
  workers: { type: 'string', short: 'w' },
  'max-memory': { type: 'string' },
  strict: { type: 'boolean' },
  'skip-bad-objects': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  ...S3_FLAGS,
} as const;

export async function reportCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('report', argv, FLAGS);
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  const format: ReportFormat =
    values.format === undefined && /\.json$/i.test(values.output ?? '')
      ? 'json'
      : graphFormat(values.format, values.output, FORMATS, 'text', 'report');
  const options: ReportOptions = filterFlags(values, 'report');
  if (values.top !== undefined) options.top = parsePositiveInt('--top', values.top, 'report');
  if (values.internal !== undefined) options.internal = cidrFlag('--internal', values.internal, 'report');
  const graphTop =
    values['graph-top'] === undefined ? undefined : parsePositiveInt('--graph-top', values['graph-top'], 'report');
  // N by bytes and N REJECT by records must fit the graph's edge limit.
  if (graphTop !== undefined && graphTop * 2 > GRAPH_MAX_EDGES)
    throw new UsageError(
      `--graph-top '${graphTop}' must be at most ${GRAPH_MAX_EDGES / 2} (the graph's edge limit, halved)`,
      'report',
    );
  resolveReportOptions(options);

  const inputs = positionals.length > 0 ? positionals : process.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0) throw new UsageError('no INPUT given (name digests or flow logs, or pipe into -)', 'report');
  const baseline = (values.baseline as unknown as string[] | undefined) ?? [];
  if ([...inputs, ...baseline].filter((i) => i === '-').length > 1)
    throw new UsageError('stdin (-) can be named only once', 'report');
  checkS3Urls([...inputs, ...baseline], values.output, 'report');
  const run: DigestRunOptions = {
    signal,
    strict: values.strict === true,
    skipBadObjects: values['skip-bad-objects'] === true,
  };
  if (values.start !== undefined) run.start = parseTime('--start', values.start, 'report');
  if (values.end !== undefined) run.end = parseTime('--end', values.end, 'report');
  if (run.start && run.end && run.start >= run.end) throw new UsageError('--start must be before --end', 'report');
  if (values.account !== undefined) run.accounts = parseList('--account', values.account, 'report');
  if (values.region !== undefined) run.regions = parseList('--region', values.region, 'report');
  const digester = {
    threads: values.workers === undefined ? undefined : parsePositiveInt('--workers', values.workers, 'report'),
    maxMemory:
      values['max-memory'] === undefined ? undefined : parseSize('--max-memory', values['max-memory'], 'report'),
    s3: s3Options(values, 'report'),
  };

  const began = performance.now();
  const digest = await readReportInputs(inputs, { ...run, ...digester });
  let base: Digest | undefined;
  if (baseline.length > 0)
    base = await readReportInputs(baseline, { ...run, ...digester, start: undefined, end: undefined });
  const report = buildReport(digest, options, base);
  await withOutput(
    values.output,
    async (out) => {
      let text: string;
      if (format === 'json') text = (await import('../../report/json.js')).reportToJson(report);
      else if (format === 'html')
        text = await (await import('../../report/html.js')).reportToHtml(report, digest, { graphTop });
      else text = (await import('../../report/text.js')).reportToText(report);
      if (!out.write(text)) await once(out, 'drain');
    },
    { signal, s3: digester.s3 },
  );
  if (!values.quiet) {
    process.stderr.write(
      `report: ${count(digest.size)} rows${base === undefined ? '' : `, baseline ${count(base.size)} rows`}${skippedNote(digest.stats)} → ${format} in ${((performance.now() - began) / 1000).toFixed(2)} s\n`,
    );
  }
  return 0;
}
