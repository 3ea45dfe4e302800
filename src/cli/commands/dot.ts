/** `flowdigest dot`: a digest, raw flow log or flowdigest DOT → a DOT, SVG or HTML graph, through the views. */
import { Digest } from '../../digest/digest.js';
import { GRAPH_FORMATS, writeView } from '../../graph/graph.js';
import { readGraphInput } from '../../graph/input.js';
import { checkGraphSize } from '../../graph/svg.js';
import { graphTitle, keptText } from '../../graph/title.js';
import type { ClusterBy, GraphFormat, GraphOptions } from '../../graph/types.js';
import { applyView } from '../../graph/views.js';
import { LABEL_STYLES, type LabelStyle } from '../../graph/labels.js';
import { parse, parseChoice, parseList, parsePositiveInt, UsageError } from '../args.js';
import { count } from '../format.js';
import { cidrFlag, filterFlags } from '../filters.js';
import { DOT_HELP } from '../help.js';
import { withOutput } from '../output.js';

const FLAGS = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  top: { type: 'string' },
  'top-rejected': { type: 'string' },
  cidr: { type: 'string' },
  account: { type: 'string' },
  eni: { type: 'string' },
  port: { type: 'string' },
  action: { type: 'string' },
  'collapse-external': { type: 'boolean' },
  internal: { type: 'string' },
  collapse: { type: 'string' },
  cluster: { type: 'string' },
  'subnet-prefix': { type: 'string' },
  penwidth: { type: 'boolean' },
  labels: { type: 'string' },
  legend: { type: 'boolean' },
  strict: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `-f`, defaulting to svg or html when the output file ends in .svg or .html. */
export function graphFormat<T extends string>(
  format: string | undefined,
  output: string | undefined,
  choices: readonly T[],
  fallback: T,
  command: string,
): T {
  if (format !== undefined) return parseChoice('--format', format, choices, command);
  const m = /\.(svg|html?)$/i.exec(output ?? '');
  const ext = m === null ? undefined : m[1].toLowerCase() === 'svg' ? 'svg' : 'html';
  return ext !== undefined && choices.includes(ext as T) ? (ext as T) : fallback;
}

/** `--labels` and `--legend`/`--no-legend`, shared by dot and diff. */
export function labelFlags(
  values: { labels?: string; legend?: boolean },
  command: string,
): Pick<GraphOptions, 'labels' | 'legend'> {
  const o: Pick<GraphOptions, 'labels' | 'legend'> = {};
  if (values.labels !== undefined) o.labels = parseChoice<LabelStyle>('--labels', values.labels, LABEL_STYLES, command);
  if (values.legend !== undefined) o.legend = values.legend;
  return o;
}

export async function dotCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('dot', argv, FLAGS);
  if (values.help) {
    process.stdout.write(DOT_HELP);
    return 0;
  }
  const format: GraphFormat = graphFormat(values.format, values.output, GRAPH_FORMATS, 'dot', 'dot');
  const options: GraphOptions & { title?: string } = {
    format,
    penwidth: values.penwidth ?? true,
    ...labelFlags(values, 'dot'),
  };
  if (values.top !== undefined) options.top = parsePositiveInt('--top', values.top, 'dot');
  if (values['top-rejected'] !== undefined) {
    if (!/^\d+$/.test(values['top-rejected']))
      throw new UsageError(`--top-rejected '${values['top-rejected']}' must be a whole number (0 keeps none)`, 'dot');
    if (options.top === undefined) throw new UsageError('--top-rejected needs --top N', 'dot');
    options.topRejected = Number(values['top-rejected']);
  }
  Object.assign(options, filterFlags(values, 'dot'));
  if (values.account !== undefined) options.accounts = parseList('--account', values.account, 'dot');
  if (values.eni !== undefined) options.enis = parseList('--eni', values.eni, 'dot');
  if (values['collapse-external']) options.collapseExternal = true;
  if (values.internal !== undefined) options.internal = cidrFlag('--internal', values.internal, 'dot');
  if (values.collapse !== undefined) options.collapse = cidrFlag('--collapse', values.collapse, 'dot');
  if (values.cluster !== undefined)
    options.cluster = parseChoice<ClusterBy>('--cluster', values.cluster, ['account', 'subnet'], 'dot');
  if (values['subnet-prefix'] !== undefined) {
    const bits = parsePositiveInt('--subnet-prefix', values['subnet-prefix'], 'dot');
    if (bits > 32)
      throw new UsageError(`--subnet-prefix '${bits}' must be from 1 to 32 (IPv6 subnets are always /64)`, 'dot');
    options.subnetPrefix = bits;
  }

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
