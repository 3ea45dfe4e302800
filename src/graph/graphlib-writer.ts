/**
 * The graphlib path: a {@link GraphModel} as a graphlib graph, written by graphlib-dot, with
 * guards for its three known bugs (reference.md §6):
 * - backslashes: it does not escape them, so `"a\"` swallows the closing quote. Every string
 *   the graph holds is already DOT content with backslashes doubled (escape.ts).
 * - undefined attribute values: it throws on them. The model never holds one: absent fields
 *   are `-` (model.ts).
 * - keywords: it writes `node`, `edge`, `graph`... bare, a syntax error. {@link requoteBare}
 *   quotes them in its output, and bare non-ASCII names too (which its own reader rejects).
 */
import graphlib from 'graphlib';
import dot from 'graphlib-dot';
import { escapeContent, GRAPHLIB_BARE_ID, isBare } from './escape.js';
import { type Attr, type GraphModel, isCluster, preambleText } from './model.js';

// HTML-like labels (escape.ts htmlLabel) go into graphlib as numbered placeholders, put back
// after requoteBare: graphlib-dot would quote them, and requoteBare must not see their words.
const attrObject = (attrs: readonly Attr[], html: string[]): Record<string, string> | undefined => {
  if (attrs.length === 0) return undefined;
  const o: Record<string, string> = {};
  for (const [k, v] of attrs) {
    if (v.charCodeAt(0) === 0) {
      o[k] = `\0H${html.length}`;
      html.push(v.slice(1));
    } else o[k] = v;
  }
  return o;
};

/** A compound multigraph of `model`: node IDs and labels are DOT content, edges are named by their index. */
export function modelToGraphlib(model: GraphModel, html: string[] = []): graphlib.Graph {
  const g = new graphlib.Graph({ directed: true, multigraph: true, compound: true });
  for (const item of model.roots) {
    if (isCluster(item)) {
      g.setNode(item.id, attrObject(item.attrs, html));
      for (const n of item.nodes) g.setNode(n.id, attrObject(n.attrs, html)).setParent(n.id, item.id);
    } else {
      g.setNode(item.id, attrObject(item.attrs, html));
    }
  }
  let i = 0;
  for (const group of model.edges) {
    for (const [row, attrs] of group.edges()) {
      g.setEdge(escapeContent(row.srcAddr), escapeContent(row.dstAddr), attrObject(attrs, html), String(i++));
    }
  }
  return g;
}

/** `model` as DOT, through graphlib and graphlib-dot. */
export function graphlibDot(model: GraphModel): string {
  const html: string[] = [];
  const text = requoteBare(dot.write(modelToGraphlib(model, html)));
  const body = html.length === 0 ? text : text.replace(/"\0H(\d+)"/g, (_, i: string) => `<${html[Number(i)]}>`);
  // graphlib-dot writes no default statements: they go right after `digraph {`.
  const pre = preambleText(model);
  return pre === '' ? body : body.replace('{\n', `{\n${pre}`);
}

const TOKEN = /"(?:[^"\\]|\\.)*"|[a-zA-Z\u0080-\u00ff_][a-zA-Z\u0080-\u00ff_0-9]*/g;

/**
 * Quote the IDs graphlib-dot left bare that must not be: keywords, and non-ASCII names. It
 * prints one statement per line (our strings hold no raw newline), so the keywords that are
 * syntax are: all of line 1 (`digraph {`), and `subgraph` when it starts a line that opens a block.
 */
export function requoteBare(dot: string): string {
  const lines = dot.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!/[a-zA-Z\u0080-\u00ff_]/.test(line)) continue;
    const opensBlock = line.trimEnd().endsWith('{');
    let first = true;
    lines[i] = line.replace(TOKEN, (tok) => {
      const isFirst = first;
      first = false;
      if (tok[0] === '"' || !GRAPHLIB_BARE_ID.test(tok) || isBare(tok)) return tok;
      if (isFirst && opensBlock && tok === 'subgraph') return tok;
      return `"${tok}"`;
    });
  }
  return lines.join('\n');
}
