// graphlib-dot's known bugs, shown on the raw library (so we notice if they are fixed), and the
// guards that keep our graphlib path valid: keywords, trailing backslashes, undefined values.
import { describe, expect, it } from 'vitest';
import graphlib from 'graphlib';
import dot from 'graphlib-dot';
import { dotToString } from '../dist/graph/index.js';
import { attr, digestOf, edgeLines, graphvizAccepts, graphvizRead, parseDot, row } from './support/graph.js';
import { LEGEND_NODE } from '../dist/graph/index.js';

describe('raw graphlib-dot', () => {
  it('writes DOT keywords bare, which Graphviz rejects', async () => {
    const g = new graphlib.Graph();
    g.setEdge('node', 'graph');
    expect(dot.write(g)).toContain('node -> graph');
    await expect(graphvizAccepts(dot.write(g))).rejects.toThrow(/syntax error/);
  });

  it('does not escape backslashes, so a trailing one swallows the closing quote', async () => {
    const g = new graphlib.Graph();
    g.setEdge('a\\', 'b');
    await expect(graphvizAccepts(dot.write(g))).rejects.toThrow(/syntax error|quoted string/);
  });

  it('throws on an undefined attribute value', () => {
    const g = new graphlib.Graph();
    g.setEdge('a', 'b', { govpc_srcPort: undefined });
    expect(() => dot.write(g)).toThrow(TypeError);
  });

  it('writes bare non-ASCII names that its own reader rejects', () => {
    const g = new graphlib.Graph();
    g.setNode('é');
    expect(() => dot.read(dot.write(g))).toThrow(/Expected/);
  });
});

describe('our graphlib path', () => {
  it('quotes keywords and escapes backslashes', async () => {
    const d = await digestOf(row('node', 'graph', 0, 443), row('a\\', 'Subgraph', 0, 22), row('é', 'strict', 0, 80));
    const text = dotToString(d, { writer: 'graphlib' });
    await graphvizAccepts(text);
    expect(text).toContain('\n  "node" -> "graph" [');
    expect(text).toContain('\n  "a\\\\" -> "Subgraph" [');
    // Both readers keep DOT's `\\` pair in a name.
    const names = new Set(['node', 'graph', 'a\\\\', 'Subgraph', 'é', 'strict']);
    // The default look has HTML-like labels, which graphlib-dot's reader cannot read: Graphviz reads it.
    expect(new Set((await graphvizRead(text)).nodes.map((n) => n.name).filter((n) => n !== LEGEND_NODE))).toEqual(
      names,
    );
    expect(new Set(parseDot(dotToString(d, { writer: 'graphlib', labels: 'go' })).nodes())).toEqual(names);
  });

  it('writes absent fields as "-", never undefined', async () => {
    // A custom format without ports, protocol, packets, bytes or times.
    const d = await digestOf(
      'version account-id interface-id srcaddr dstaddr action',
      '2 111122223333 eni-1 10.0.0.1 10.0.0.2 ACCEPT',
    );
    const text = dotToString(d, { writer: 'graphlib' });
    await graphvizAccepts(text);
    const [line] = edgeLines(text);
    for (const f of ['srcPort', 'dstPort', 'protocol', 'packets', 'bytes', 'start', 'end'])
      expect(attr(line, `govpc_${f}`)).toBe('-');
    expect(text).toBe(dotToString(d, { writer: 'stream' }));
  });
});
