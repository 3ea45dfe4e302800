/**
 * `report()`: inputs (digests or flow logs) → the report. NDJSON digests and binary partials
 * are read as digests (their record counts kept); flow logs, text digests (a text digest is a
 * flow log), directories and s3:// URLs are digested on the way by the engine, with the run's
 * selection options. The inputs are merged into one digest, which is read once.
 */
import { Digest } from '../digest/digest.js';
import { digestKind, readDigest, textDigestKey } from '../digest/read.js';
import { createDigester, type DigestInput } from '../engine/digester.js';
import type { DigesterOptions, DigestRunOptions } from '../engine/options.js';
import { InvalidOptionError } from '../errors.js';
import { buildReport, resolveReportOptions } from './model.js';
import type { ReportHtmlOptions } from './html.js';
import type { Report, ReportOptions } from './types.js';

/** Options of {@link report}: the report's, the baseline, and how flow-log inputs are digested. */
export interface ReportRunOptions extends ReportOptions, DigestRunOptions, DigesterOptions {
  /** Inputs of the earlier period; with them the report has its `new` section. @default none */
  baseline?: readonly DigestInput[];
}

/**
 * Read `inputs` (paths, `s3://` URLs, `-` for stdin, or sources) into one digest: NDJSON and
 * partial digests directly, everything else through the engine with `options`' selection.
 */
export async function readReportInputs(
  inputs: readonly DigestInput[],
  options: DigestRunOptions & DigesterOptions = {},
): Promise<Digest> {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new InvalidOptionError('inputs', 'must be a non-empty array of paths or sources');
  const direct: string[] = [],
    engine: DigestInput[] = [];
  for (const input of inputs) {
    // stdin is read once, as a digest of any kind (a flow log is one: scanned on this thread).
    if (input === '-') {
      direct.push(input);
      continue;
    }
    if (typeof input === 'string' && !input.startsWith('s3://')) {
      const kind = await digestKind(input);
      // A text digest made with --key is read as a digest too, so its key (named in its header) is kept.
      if (kind === 'ndjson' || kind === 'partial' || (kind === 'text' && (await textDigestKey(input)) !== null)) {
        direct.push(input);
        continue;
      }
    }
    engine.push(input);
  }
  const parts: Digest[] = [];
  if (engine.length > 0) {
    const digester = createDigester(options);
    try {
      parts.push(await digester.digest(engine, options));
    } finally {
      await digester.close();
    }
  }
  for (const path of direct)
    parts.push(
      path === '-'
        ? await readDigest(process.stdin, 'stdin', { strict: options.strict ?? false })
        : await readDigest(path, path, { strict: options.strict ?? false }),
    );
  return parts.length === 1 ? parts[0] : Digest.mergeSorted(parts);
}

/**
 * The report of `inputs`: totals, talkers and listeners, rejected traffic, exposed services,
 * probes, and (with `options.baseline`) what is new. See docs/report.md for each section.
 */
export async function report(inputs: readonly DigestInput[], options: ReportRunOptions = {}): Promise<Report> {
  resolveReportOptions(options); // a bad option fails before any input is read
  const digest = await readReportInputs(inputs, options);
  const baseline =
    options.baseline === undefined || options.baseline.length === 0
      ? undefined
      : // The baseline is another period: the run's --start/--end do not apply to it.
        await readReportInputs(options.baseline, { ...options, start: undefined, end: undefined });
  return buildReport(digest, options, baseline);
}

/**
 * The report as the self-contained HTML page: its tables, then the graph of `digest` (the rows
 * it was made from). The graph modules load only when this is called.
 */
export async function reportToHtml(report: Report, digest: Digest, options: ReportHtmlOptions = {}): Promise<string> {
  return (await import('./html.js')).reportToHtml(report, digest, options);
}
