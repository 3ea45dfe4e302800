/** `flowdigest dot`: a digest, raw flow log or flowdigest DOT → a DOT, SVG or HTML graph, through the views. */
import { Digest } from '../../digest/digest.js';
import { GRAPH_FORMATS, writeView } from '../../graph/graph.js';
import { readGraphInput } from '../../graph/input.js';
import { checkGraphSize } from '../../graph/svg.js';
import { graphTitle, keptText } from '../../graph/title.js';
import type { ClusterBy, GraphFormat, GraphOptions } from '../../graph/types.js';
import { applyView } from '../../graph/views.js';
import type { LabelStyle } from '../../graph/labels.js';
import { parse, UsageError } from '../args.js';
import { DOT_OPTIONS } from '../options.js';
import { count } from '../format.js';
import { cidrFlag, filterFlags } from '../filters.js';
import { DOT_HELP } from '../help.js';
import { withOutput } from '../output.js';

/** `-f`, defaulting to svg or html when the output file ends in .svg or .html. */
export function graphFormat<T extends string>(
  format: T | undefined,
  output: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (format !== undefined) return format;
  const m = /\.(svg|html?)$/i.exec(output ?? '');
  const ext = m === null ? undefined : m[1].toLowerCase() === 'svg' ? 'svg' : 'html';
  return ext !== undefined && choices.includes(ext as T) ? (ext as T) : fallback;
}

/** `--labels` and `--legend`/`--no-legend`, shared by dot and diff. */
export function labelFlags(values: { labels?: string; legend?: boolean }): Pick<GraphOptions, 'labels' | 'legend'> {
  const o: Pick<GraphOptions, 'labels' | 'legend'> = {};
  if (values.labels !== undefined) o.labels = values.labels as LabelStyle;
  if (values.legend !== undefined) o.legend = values.legend;
  return o;
}

export async function dotCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('dot', argv, DOT_OPTIONS);
  if (values.help) {
    process.stdout.write(DOT_HELP);
    return 0;
  }
  const format = graphFormat(values.format as GraphFormat | undefined, values.output, GRAPH_FORMATS, 'dot');
  const options: GraphOptions & { title?: string } = {
    format,
    penwidth: values.penwidth ?? true,
    ...labelFlags(values),
  };
  if (values.top !== undefined) options.top = values.top;
  if (values.topRejected !== undefined) {
    if (options.top === undefined) throw UsageError.of({ option: '--top-rejected', reason: 'needs --top N' }, 'dot');
    options.topRejected = values.topRejected;
  }
  Object.assign(options, filterFlags(values, 'dot'));
  if (values.account !== undefined) options.accounts = values.account;
  if (values.eni !== undefined) options.enis = values.eni;
  if (values.collapseExternal) options.collapseExternal = true;
  if (values.internal !== undefined) options.internal = cidrFlag('--internal', values.internal, 'dot');
  if (values.collapse !== undefined) options.collapse = cidrFlag('--collapse', values.collapse, 'dot');
  if (values.cluster !== undefined) options.cluster = values.cluster as ClusterBy;
  if (values.subnetPrefix !== undefined) options.subnetPrefix = values.subnetPrefix;

  const inputs = positionals.length > 0 ? positionals : process.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0)
    throw new UsageError('no INPUT given (name a digest, flow log or DOT file, or pipe into -)', 'dot');
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('stdin (-) can be named only once', 'dot');

  const began = performance.now();
  const digest = new Digest();
  const formats: string[] = [];
  for (const input of inputs) {
    const read = await readGraphInput(input === '-' ? process.stdin : input, {
      name: input === '-' ? 'stdin' : input,
      strict: values.strict ?? false,
    });
    digest.mergeFrom(read.digest);
    formats.push(read.format);
  }
  const view = applyView(digest, options);
  // Refused before any layout work (and before the output file is made).
  checkGraphSize(view.digest.size, format);
  if (format !== 'dot') {
    const title = graphTitle(digest, options, view);
    options.graphTitle = title;
    options.title = title;
  }
  await withOutput(values.output, (out) => writeView(view, out, options));
  if (!values.quiet) {
    const s = digest.stats;
    const skipped =
      s.malformed > 0
        ? `, ${count(s.malformed)} malformed records skipped${s.samples[0] ? ` (first: ${s.samples[0].key}:${s.samples[0].line}: ${s.samples[0].reason})` : ''}`
        : '';
    process.stderr.write(
      `dot: ${count(digest.size)} rows (${[...new Set(formats)].join(', ')})${skipped} → ${count(view.digest.size)} edges${view.kept === undefined ? '' : ` (${keptText(view.kept)})`}, ${format} in ${((performance.now() - began) / 1000).toFixed(2)} s\n`,
    );
  }
  return 0;
}
