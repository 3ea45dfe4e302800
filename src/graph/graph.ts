/** Digest → DOT or SVG: view, model, then the writer that suits the graph's size. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Digest } from '../digest/digest.js';
import { InvalidOptionError } from '../errors.js';
import { modelToDot, writeModel } from './model-output.js';
import { checkGraphSize, renderSvg } from './svg.js';
import { resolveStyle, viewModel } from './model.js';
import type { HtmlOptions } from './html.js';
export { GRAPHLIB_MAX_EDGES, modelToDot, writeModel } from './model-output.js';
import { GRAPH_FORMATS, type GraphFormat, type GraphOptions, type GraphStyleOptions, type GraphView } from './types.js';
import { applyView } from './views.js';

/** Output formats of a graph. */
export { GRAPH_FORMATS };

function resolveFormat(format: unknown): GraphFormat {
  if (format === undefined) return 'dot';
  if (format !== 'dot' && format !== 'svg' && format !== 'html')
    throw new InvalidOptionError('options.format', `must be one of ${GRAPH_FORMATS.join(', ')}`);
  return format;
}

/**
 * Write `digest` as a graph: one edge per row (after the view), DOT by default or SVG. The
 * DOT is deterministic and valid for any input; see {@link GraphOptions}. Does not end `out`.
 */
export async function writeGraph(
  digest: Digest,
  out: Writable,
  options: GraphOptions & HtmlOptions = {},
): Promise<void> {
  resolveFormat(options.format);
  resolveStyle(options);
  await writeView(applyView(digest, options), out, options);
}

/** Write a view made by {@link applyView} as a graph (DOT, SVG or the HTML page). Does not end `out`. */
export async function writeView(
  view: GraphView,
  out: Writable,
  options: GraphStyleOptions & HtmlOptions & { format?: GraphFormat } = {},
): Promise<void> {
  const format = resolveFormat(options.format);
  const style = resolveStyle(options);
  checkGraphSize(view.digest.size, format);
  if (format === 'html') {
    const { renderHtml } = await import('./html.js');
    const text = await renderHtml(view, options);
    if (!out.write(text)) await once(out, 'drain');
    return;
  }
  await writeModel(viewModel(view, options), out, format, style.writer);
}

/** `digest` as a DOT string (small graphs, tests). */
export function dotToString(digest: Digest, options: Omit<GraphOptions, 'format'> = {}): string {
  const style = resolveStyle(options);
  return modelToDot(viewModel(applyView(digest, options), options), style.writer);
}

/** `digest` as the self-contained HTML page (see html.ts), rendered in-process. */
export async function htmlToString(
  digest: Digest,
  options: Omit<GraphOptions, 'format'> & HtmlOptions = {},
): Promise<string> {
  resolveStyle(options);
  const { renderHtml } = await import('./html.js');
  return renderHtml(applyView(digest, options), options);
}

/** `digest` as an SVG string, rendered in-process. */
export async function svgToString(digest: Digest, options: Omit<GraphOptions, 'format'> = {}): Promise<string> {
  return renderSvg(dotToString(digest, options));
}
