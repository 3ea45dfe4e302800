/** `flowdigest report`: digests or flow logs → talkers, rejected, exposed, probes and new tuples as text, JSON or HTML. */
import { once } from 'node:events';
import type { Digest } from '../../digest/digest.js';
import type { DigestRunOptions } from '../../engine/options.js';
import { buildReport, resolveReportOptions } from '../../report/model.js';
import { readReportInputs } from '../../report/report.js';
import type { ReportOptions } from '../../report/types.js';
import { parse, UsageError, usage } from '../args.js';
import { parseFieldList } from '../../format/field-list.js';
import { parseKeySpec } from '../../format/key.js';
import { REPORT_OPTIONS } from '../options.js';
import { count } from '../format.js';
import { REPORT_HELP } from '../help.js';
import { withOutput } from '../output.js';
import { checkS3Urls, s3Options } from '../s3-options.js';
import { skippedNote } from '../summary.js';
import { graphFormat } from './dot.js';
import { cidrFlag, filterFlags } from '../filters.js';

type ReportFormat = 'text' | 'json' | 'html';

export async function reportCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse('report', argv, REPORT_OPTIONS);
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return 0;
  }
  const format: ReportFormat =
    values.format === undefined && /\.json$/i.test(values.output ?? '')
      ? 'json'
      : graphFormat(values.format as ReportFormat | undefined, values.output, ['text', 'json', 'html'], 'text');
  const options: ReportOptions = filterFlags(values, 'report');
  if (values.top !== undefined) options.top = values.top;
  if (values.internal !== undefined) options.internal = cidrFlag('--internal', values.internal, 'report');
  const graphTop = values.graphTop;
  resolveReportOptions(options);

  const inputs = positionals.length > 0 ? positionals : process.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0) throw new UsageError('no INPUT given (name digests or flow logs, or pipe into -)', 'report');
  const baseline = values.baseline ?? [];
  if ([...inputs, ...baseline].filter((i) => i === '-').length > 1)
    throw new UsageError('stdin (-) can be named only once', 'report');
  checkS3Urls([...inputs, ...baseline], values.output, 'report');
  const run: DigestRunOptions = {
    signal,
    strict: values.strict === true,
    skipBadObjects: values.skipBadObjects === true,
  };
  if (values.start !== undefined) run.start = values.start;
  if (values.end !== undefined) run.end = values.end;
  if (run.start && run.end && run.start >= run.end)
    throw UsageError.of({ option: '--start', reason: 'must be before --end' }, 'report');
  if (values.account !== undefined) run.accounts = values.account;
  if (values.region !== undefined) run.regions = values.region;
  const fields = values.fields ?? process.env.FLOWDIGEST_FIELDS;
  if (fields !== undefined)
    run.fields = usage('report', () =>
      parseFieldList(fields, values.fields === undefined ? 'FLOWDIGEST_FIELDS' : '--fields'),
    );
  if (values.key !== undefined) {
    const key = values.key;
    usage('report', () => parseKeySpec(key, '--key'));
    run.key = key;
  }
  const digester = { threads: values.workers, maxMemory: values.maxMemory, s3: s3Options(values, 'report') };

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
