/**
 * SVG rendering in-process with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), so
 * no system graphviz is needed. Layout is superlinear: about 0.5 s for 2k edges and 4-7 s for
 * 10k (reference.md §6); narrow big graphs with `top` or filters first.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { FormatError } from '../errors.js';

let graphviz: Promise<Graphviz> | null = null;

/** Lay out `dot` with the `dot` engine and render it as SVG. The WebAssembly module loads once. */
export async function renderSvg(dot: string): Promise<string> {
  graphviz ??= Graphviz.load();
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
