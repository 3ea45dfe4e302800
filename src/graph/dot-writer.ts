/**
 * The streaming DOT writer: prints a {@link GraphModel} row by row in about 64 KiB chunks, so
 * memory stays at the digest plus one chunk however many edges there are. Its layout is
 * graphlib-dot's (two-space indent, one statement per line, `k=v;` cluster attributes), so
 * it prints the same bytes as the graphlib path.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { dotId, escapeContent } from './escape.js';
import { type Attr, type GraphModel, isCluster, type NodeSpec, preambleText } from './model.js';

const CHUNK = 65536;

// Attribute names are a handful of constants: quote each once.
const names = new Map<string, string>();
const nameId = (k: string): string => {
  let id = names.get(k);
  if (id === undefined) {
    id = dotId(k);
    if (names.size < 256) names.set(k, id);
  }
  return id;
};

function attrList(attrs: readonly Attr[]): string {
  if (attrs.length === 0) return '';
  let s = ' [';
  for (let i = 0; i < attrs.length; i++) s += `${i === 0 ? '' : ','}${nameId(attrs[i][0])}=${dotId(attrs[i][1])}`;
  return `${s}]`;
}

function nodeLine(n: NodeSpec, indent: string): string {
  return `${indent}${dotId(n.id)}${attrList(n.attrs)}\n`;
}

/** The DOT text of `model` in chunks (UTF-8 strings). */
export function* dotChunks(model: GraphModel): IterableIterator<string> {
  let buf = `digraph {\n${preambleText(model)}`;
  for (const item of model.roots) {
    if (isCluster(item)) {
      buf += `  subgraph ${dotId(item.id)} {\n`;
      for (const [k, v] of item.attrs) buf += `    ${dotId(k)}=${dotId(v)};\n`;
      for (const n of item.nodes) buf += nodeLine(n, '    ');
      buf += '  }\n';
    } else {
      buf += nodeLine(item, '  ');
    }
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  for (const group of model.edges) {
    for (const [row, attrs] of group.edges()) {
      buf += `  ${dotId(escapeContent(row.srcAddr))} -> ${dotId(escapeContent(row.dstAddr))}${attrList(attrs)}\n`;
      if (buf.length >= CHUNK) {
        yield buf;
        buf = '';
      }
    }
  }
  yield `${buf}}\n`;
}

/** Write `model` as DOT to `out`, honouring backpressure. Does not end `out`. */
export async function writeDotModel(model: GraphModel, out: Writable): Promise<void> {
  for (const chunk of dotChunks(model)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}
