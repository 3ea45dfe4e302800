/**
 * SVG rendering in-process with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), so
 * no system graphviz is needed. Layout is superlinear: about 0.5 s for 2k edges and 4-7 s for
 * 10k (reference.md §6); narrow big graphs with `top` or filters first.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { FormatError, GraphLimitError } from '../errors.js';
import { keptAlive } from '../util/keep-alive.js';

let graphviz: Promise<Graphviz> | null = null;

/** Lay out `dot` with the `dot` engine and render it as SVG. The WebAssembly module loads once. */
export async function renderSvg(dot: string): Promise<string> {
  // Its compile alone does not keep the process alive (util/keep-alive.ts).
  graphviz ??= keptAlive(Graphviz.load());
  const gv = await graphviz;
  try {
    return gv.layout(dot, 'svg', 'dot');
  } catch (err) {
    throw new FormatError(`graphviz could not render the graph: ${String((err as Error)?.message ?? err).trim()}`, {
      field: 'format',
    });
  }
}

/** Edges above which rendering SVG takes long enough to warn about. */
export const SVG_SLOW_EDGES = 5000;

/**
 * The most edges an SVG or HTML graph is laid out for. Layout time grows faster than the
 * edges (10,000 edges between as many addresses took 94 s here), and far beyond it Graphviz
 * exhausts the stack: a bigger graph is refused before any work starts. DOT has no limit.
 */
export const GRAPH_MAX_EDGES = 5000;

/** Throw {@link GraphLimitError} when `edges` is over {@link GRAPH_MAX_EDGES} for `format` (svg, html). */
export function checkGraphSize(edges: number, format: string): void {
  if (format === 'dot' || edges <= GRAPH_MAX_EDGES) return;
  throw new GraphLimitError(
    `the graph has ${edges.toLocaleString('en-US')} edges, over the limit of ${GRAPH_MAX_EDGES.toLocaleString('en-US')} for ${format.toUpperCase()}: ` +
      'keep the heaviest with --top N (flowdigest dot; option top), narrow it with --cidr, --port or --action, or write DOT (-f dot), which has no limit',
  );
}
