// DOT output is valid and exact for any input: every address its own quoted node, keywords,
// quotes, backslashes, IPv6, `unknown`, UTF-8; both writers print the same bytes.
import { describe, expect, it } from 'vitest';
import { dotToString } from '../dist/graph/index.js';
import { attr, digestOf, edgeLines, graphvizAccepts, graphvizRead, parseDot, row } from './support/graph.js';
import { LEGEND_NODE } from '../dist/graph/index.js';

const TRICKY: [string, string, Record<string, string>?][] = [
  ['1.23.4.5', '10.0.0.1'],
  ['12.3.4.5', '10.0.0.1'], // go-vpcflow's "n1234510001" for both
  ['2600:1f18::1', 'fc00::5', { account: 'unknown' }],
  ['a"b', '"quoted"'],
  ['trail\\', 'mid\\dle'],
  ['x\\"y', '\\'],
  ['node', 'edge'],
  ['graph', 'digraph'],
  ['subgraph', 'strict'],
  ['NODE', 'Edge'],
  ['-', '-'],
  ['é', '7'],
  ['0', '10.0.0.1', { account: 'acc\\', eni: 'eni"x', action: 'REJECT' }],
];
const lines = TRICKY.map(([s, d, o]) => row(s, d, 40000, 443, o));
// biome-ignore lint/complexity/noFlatMapIdentity: not an identity: it drops each tuple's third element (the options)
const addresses = new Set(TRICKY.flatMap(([s, d]) => [s, d]));
// Graphviz (and graphlib-dot) keep `\\` in a name; the label shows one backslash.
const dotName = (s: string) => s.replace(/\\/g, '\\\\');

describe('DOT of tricky input', async () => {
  const digest = await digestOf(...lines);

  it.each([undefined, 'account', 'subnet'] as const)(
    'is accepted by Graphviz and parsed back exactly (cluster %s)',
    async (cluster) => {
      // Graphviz reads every look; graphlib-dot's reader (no HTML-like labels) reads the go look.
      for (const labels of ['human', 'none'] as const) {
        const seen = await graphvizRead(dotToString(digest, { cluster, labels }));
        expect(new Set(seen.nodes.map((n) => n.name).filter((n) => n !== LEGEND_NODE))).toEqual(
          new Set([...addresses].map(dotName)),
        );
        expect(seen.edges.map((e) => e.attrs.govpc_accountID).sort()).toEqual(
          [...digest.rows()].map((r) => dotName(r.account)).sort(),
        );
      }
      const text = dotToString(digest, { cluster, labels: 'go' });
      await graphvizAccepts(text);
      const g = parseDot(text);
      const nodes = g.nodes().filter((n) => !n.startsWith('cluster '));
      expect(new Set(nodes)).toEqual(new Set([...addresses].map(dotName)));
      expect(g.edgeCount()).toBe(digest.size);
      const accounts = g
        .edges()
        .map((e) => (g.edge(e) as Record<string, string>).govpc_accountID)
        .sort();
      expect(accounts).toEqual([...digest.rows()].map((r) => dotName(r.account)).sort());
    },
  );

  it('gives 1.23.4.5 and 12.3.4.5 their own nodes, quoted as the address itself', () => {
    const text = dotToString(digest);
    expect(text).toContain('\n  "1.23.4.5"\n');
    expect(text).toContain('\n  "12.3.4.5"\n');
    expect(text).toContain('\n  "1.23.4.5" -> "10.0.0.1" [');
    expect(text).toContain('\n  "12.3.4.5" -> "10.0.0.1" [');
  });

  it('quotes keywords in any case and escapes quotes and backslashes', () => {
    const text = dotToString(digest);
    for (const k of ['node', 'edge', 'graph', 'digraph', 'subgraph', 'strict', 'NODE', 'Edge'])
      expect(text).toContain(`\n  "${k}"\n`);
    expect(text).toContain('\n  "trail\\\\" -> "mid\\\\dle" [');
    expect(text).toContain('\n  "x\\\\\\"y" -> "\\\\" [');
    expect(text).toContain('\n  "a\\"b" -> "\\"quoted\\"" [');
    expect(text).toContain('govpc_accountID="acc\\\\",govpc_eniID="eni\\"x"');
  });

  it('prints the same bytes through graphlib-dot and the streaming writer', () => {
    for (const cluster of [undefined, 'account', 'subnet'] as const) {
      for (const penwidth of [true, false]) {
        expect(dotToString(digest, { cluster, penwidth, writer: 'graphlib' })).toBe(
          dotToString(digest, { cluster, penwidth, writer: 'stream' }),
        );
      }
    }
  });

  it('is deterministic whatever the input order', async () => {
    const reversed = await digestOf(...[...lines].reverse());
    expect(dotToString(reversed, { cluster: 'account' })).toBe(dotToString(digest, { cluster: 'account' }));
  });

  it("carries go-vpcflow's attributes in its order, colour and label", () => {
    const reject = edgeLines(dotToString(digest, { labels: 'go' })).find((l) => l.startsWith('  "0" -> '))!;
    const names = [...reject.matchAll(/[[,]([a-zA-Z_]+)=/g)].map((m) => m[1]);
    expect(names).toEqual([
      'govpc_accountID',
      'govpc_eniID',
      'govpc_srcPort',
      'govpc_dstPort',
      'govpc_protocol',
      'govpc_packets',
      'govpc_bytes',
      'govpc_start',
      'govpc_end',
      'color',
      'label',
      'govpc_action',
      'govpc_records',
      'penwidth',
    ]);
    expect(attr(reject, 'color')).toBe('red');
    expect(attr(reject, 'label')).toBe(
      'govpc_accountID=acc\\\\\\ngovpc_eniID=eni"x\\ngovpc_srcPort=0\\ngovpc_dstPort=443\\ngovpc_protocol=6\\n' +
        'govpc_packets=1\\ngovpc_bytes=100\\ngovpc_start=1000\\ngovpc_end=1060',
    );
    const accept = edgeLines(dotToString(digest, { labels: 'go' })).find((l) => l.startsWith('  "1.23.4.5" -> '))!;
    expect(attr(accept, 'color')).toBe('green');
  });
});
