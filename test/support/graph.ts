/** Helpers for the graph tests: digests from text, DOT parsed back, and Graphviz (WebAssembly) as a validator. */
import { Readable } from 'node:stream';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import dot from 'graphlib-dot';
import type { Graph } from 'graphlib';
import type { Digest } from '../../dist/index.js';
import { readGraphInput } from '../../dist/graph/index.js';

export const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** A v2 record: `src dst sport dport` plus optional overrides. */
export function row(
  src: string,
  dst: string,
  sport: number | string,
  dport: number | string,
  o: {
    account?: string;
    eni?: string;
    proto?: number | string;
    packets?: number | string;
    bytes?: number | string | bigint;
    start?: number | string;
    end?: number | string;
    action?: string;
  } = {},
): string {
  return `2 ${o.account ?? '111122223333'} ${o.eni ?? 'eni-1'} ${src} ${dst} ${sport} ${dport} ${o.proto ?? 6} ${o.packets ?? 1} ${o.bytes ?? 100} ${o.start ?? 1000} ${o.end ?? 1060} ${o.action ?? 'ACCEPT'} OK`;
}

/** The digest of flow-log (or digest, NDJSON, DOT) text. */
export async function digestOf(...lines: string[]): Promise<Digest> {
  return (await readGraphInput(Readable.from([Buffer.from(`${lines.join('\n')}\n`)]), { name: 'test' })).digest;
}

let gv: Promise<Graphviz> | null = null;

/** Throws Graphviz's error unless it lays out `text`. */
export async function graphvizAccepts(text: string): Promise<void> {
  gv ??= Graphviz.load();
  (await gv).layout(text, 'dot', 'dot');
}

/** DOT parsed by graphlib-dot (an independent reader). Node names keep DOT's `\\` pairs. */
export function parseDot(text: string): Graph {
  return dot.read(text);
}

/** The edge lines of DOT text. */
export function edgeLines(text: string): string[] {
  return text.split('\n').filter((l) => /^ {2}\S.* -> /.test(l));
}

/** One attribute of a DOT edge line (quoted or bare value, unescaped quotes only). */
export function attr(line: string, name: string): string | undefined {
  const m = new RegExp(`[\\[,]${name}=("((?:[^"\\\\]|\\\\.)*)"|[^,\\]]+)`).exec(line);
  return m === null ? undefined : m[2] !== undefined ? m[2].replace(/\\"/g, '"') : m[1];
}

/** Graphviz's own reading of DOT text (its `json` output): node names and attributes, edges by node index. */
export interface GraphvizGraph {
  nodes: { name: string; attrs: Record<string, string> }[];
  clusters: string[];
  edges: { tail: string; head: string; attrs: Record<string, string> }[];
}

/** DOT as Graphviz parsed and laid it out (throws Graphviz's error if it cannot). */
export async function graphvizRead(text: string): Promise<GraphvizGraph> {
  gv ??= Graphviz.load();
  const json = JSON.parse((await gv).layout(text, 'dot_json', 'dot')) as {
    objects?: (Record<string, string> & { name: string; _gvid: number; nodes?: number[] })[];
    edges?: (Record<string, string> & { tail: number; head: number })[];
  };
  const objects = json.objects ?? [];
  const byId = new Map(objects.map((o) => [o._gvid, o]));
  const strip = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([k, v]) => typeof v === 'string' && !k.startsWith('_'))) as Record<
      string,
      string
    >;
  return {
    nodes: objects.filter((o) => o.nodes === undefined).map((o) => ({ name: o.name, attrs: strip(o) })),
    clusters: objects.filter((o) => o.nodes !== undefined).map((o) => o.name),
    edges: (json.edges ?? []).map((e) => ({
      tail: byId.get(e.tail)!.name,
      head: byId.get(e.head)!.name,
      attrs: strip(e),
    })),
  };
}
