/** A graph model as DOT text, or written as DOT or SVG, by the writer that suits its size. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { dotChunks, writeDotModel } from './dot-writer.js';
import { graphlibDot } from './graphlib-writer.js';
import type { GraphModel, ResolvedStyle } from './model.js';
import { renderSvg } from './svg.js';
import type { GraphFormat } from './types.js';

/**
 * Up to this many edges `writer: 'auto'` goes through graphlib + graphlib-dot; above, it
 * streams. Both print the same bytes. At 10k edges graphlib costs ~0.2 s and ~60 MB more than
 * streaming; at 200k, 8.6 s and 0.8-1.0 GB peak RSS against 2.6-2.7 s and 225-230 MB (bench/graph.ts), as
 * it holds the graph, then the whole output as one string. 10k is also about the most edges
 * worth laying out (SVG).
 */
export const GRAPHLIB_MAX_EDGES = 10_000;

/** Whether `model` goes through graphlib under `writer`. */
function useGraphlib(model: GraphModel, writer: ResolvedStyle['writer']): boolean {
  return writer === 'graphlib' || (writer === 'auto' && model.edgeCount <= GRAPHLIB_MAX_EDGES);
}

/** `model` as one DOT string, by the writer `writer` picks. */
export function modelToDot(model: GraphModel, writer: ResolvedStyle['writer'] = 'auto'): string {
  return useGraphlib(model, writer) ? graphlibDot(model) : [...dotChunks(model)].join('');
}

/** Write `model` as DOT or SVG to `out`, honouring backpressure. Does not end `out`. */
export async function writeModel(
  model: GraphModel,
  out: Writable,
  format: Exclude<GraphFormat, 'html'>,
  writer: ResolvedStyle['writer'] = 'auto',
): Promise<void> {
  if (format === 'dot' && !useGraphlib(model, writer)) return writeDotModel(model, out);
  const text = format === 'svg' ? await renderSvg(modelToDot(model, writer)) : graphlibDot(model);
  if (!out.write(text)) await once(out, 'drain');
}
