/** `flowdigest dot`: a digest, raw flow log or flowdigest DOT → a DOT, SVG or HTML graph, through the views. */
import { Digest } from '../../digest/digest.js';
import { parseCidr } from '../../graph/cidr.js';
import { GRAPH_FORMATS, writeView } from '../../graph/graph.js';
import { readGraphInput } from '../../graph/input.js';
import { SVG_SLOW_EDGES } from '../../graph/svg.js';
import type { ClusterBy, GraphFormat, GraphOptions } from '../../graph/types.js';
import { applyView } from '../../graph/views.js';
import type { LabelStyle } from '../../graph/labels.js';
import { parseOneOf } from '../../util/parse.js';
import { parse, usage, UsageError } from '../args.js';
import { DOT_OPTIONS } from '../options.js';

const ACTIONS = ['ACCEPT', 'REJECT'] as const;
import { isPort } from '../../util/patterns.js';
import { count } from '../format.js';
import { DOT_HELP } from '../help.js';
import { withOutput } from '../output.js';

/** A CIDR list, checked here so a bad range is a usage error naming the flag. */
export function cidrFlag(flag: string, items: string[], command: string): string[] {
  usage(command, () => {
    for (const item of items) parseCidr(flag, item);
  });
  return items;
}

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
  const options: GraphOptions = { format, penwidth: values.penwidth ?? true, ...labelFlags(values) };
  if (values.top !== undefined) options.top = values.top;
  if (values.cidr !== undefined) options.cidrs = cidrFlag('--cidr', values.cidr, 'dot');
  if (values.account !== undefined) options.accounts = values.account;
  if (values.eni !== undefined) options.enis = values.eni;
  if (values.port !== undefined) {
    options.ports = values.port.map((p) => {
      if (!isPort(p))
        throw UsageError.of({ option: '--port', reason: 'must be a port number from 0 to 65535', value: p }, 'dot');
      return Number(p);
    });
  }
  if (values.action !== undefined)
    options.actions = values.action.map((a) => usage('dot', () => parseOneOf('--action', a.toUpperCase(), ACTIONS)));
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
  if (format !== 'dot' && view.digest.size > SVG_SLOW_EDGES && !values.quiet) {
    process.stderr.write(
      `flowdigest: rendering ${count(view.digest.size)} edges as ${format.toUpperCase()} may take minutes; narrow with --top or filters\n`,
    );
  }
  await withOutput(values.output, (out) => writeView(view, out, options));
  if (!values.quiet) {
    const s = digest.stats;
    const skipped =
      s.malformed > 0
        ? `, ${count(s.malformed)} malformed records skipped${s.samples[0] ? ` (first: ${s.samples[0].key}:${s.samples[0].line}: ${s.samples[0].reason})` : ''}`
        : '';
    process.stderr.write(
      `dot: ${count(digest.size)} rows (${[...new Set(formats)].join(', ')})${skipped} → ${count(view.digest.size)} edges, ${format} in ${((performance.now() - began) / 1000).toFixed(2)} s\n`,
    );
  }
  return 0;
}
