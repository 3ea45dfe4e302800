/**
 * The graph both DOT writers print: nodes (some in clusters) and groups of edges, each edge a
 * digest row with its attributes. Every string in here is already DOT content (see escape.ts),
 * and every order is fixed, so the output is deterministic.
 */
import type { Digest, DigestRow } from '../digest/digest.js';
import { type Cidr, cidrContains, cidrCovers, networkOf, parseIp, PRIVATE_RANGES } from './cidr.js';
import { approxBytes, keyParts, utf8 } from './entries.js';
import { dotId, escapeContent } from './escape.js';
import { govpcFields } from './govpc.js';
import { type LabelStyle, LABEL_STYLES } from './labels.js';
import {
  edgeStyle,
  HUMAN_PREAMBLE,
  humanRowAttrs,
  type LegendFacts,
  legendNode,
  type NodeFacts,
  nodeAttrs,
} from './look.js';
import type { Attr, NodeSpec, Preamble } from './spec.js';
import type { ClusterBy, GraphStyleOptions, GraphView } from './types.js';

export type { Attr, NodeSpec, Preamble } from './spec.js';
import { InvalidOptionError } from '../errors.js';
import { checkValue } from '../util/option-schema.js';
import { GRAPH_VIEW_OPTIONS } from './options.js';

/** A cluster subgraph: DOT content ID, attributes, member nodes. */
export interface ClusterSpec {
  id: string;
  attrs: Attr[];
  nodes: NodeSpec[];
}

/** A run of edges: the rows of `digest` (whose addresses are the nodes), each with its attributes, in order. */
export interface EdgeGroup {
  digest: Digest;
  edges: () => Iterable<readonly [DigestRow, Attr[]]>;
}

/** The rows of `digest` in canonical order, each with `attrs(row)`. */
export function edgesOf(digest: Digest, attrs: (row: DigestRow) => Attr[]): EdgeGroup {
  return {
    digest,
    *edges() {
      for (const r of digest.rows()) yield [r, attrs(r)] as const;
    },
  };
}

export interface GraphModel {
  /** Default statements, in order (none for go-vpcflow's look). */
  preamble?: Preamble[];
  /** Top-level items in output order: nodes and clusters. */
  roots: (NodeSpec | ClusterSpec)[];
  edges: EdgeGroup[];
  /** Total edges over all groups. */
  edgeCount: number;
}

/** The preamble's DOT lines (both writers print them the same way). */
export function preambleText(model: GraphModel): string {
  let s = '';
  for (const p of model.preamble ?? [])
    s += `  ${p.kind} [${p.attrs.map(([k, v]) => `${dotId(k)}=${dotId(v)}`).join(',')}]\n`;
  return s;
}

/** Whether a top-level item is a cluster. */
export function isCluster(item: NodeSpec | ClusterSpec): item is ClusterSpec {
  return 'nodes' in item;
}

/**
 * The attributes of go-vpcflow's DOT converter, in its order (govpc_* fields, `color`, `label`
 * with one `field=value` per line), then ours: `govpc_action` and `govpc_records`, which make
 * the DOT readable back into a digest.
 */
export function rowAttrs(r: DigestRow, packetsSeen: boolean, bytesSeen: boolean): Attr[] {
  const fields = govpcFields(r, packetsSeen, bytesSeen);
  return [
    ...fields,
    ['color', r.action === 'REJECT' ? 'red' : 'green'],
    ['label', fields.map(([k, v]) => `${k}=${v}`).join('\\n')],
    ['govpc_action', escapeContent(r.action)],
    ['govpc_records', String(r.records)],
  ];
}

/**
 * Edge width from 1 (lightest edge) to 8 (heaviest), linear in log(bytes): the range of the
 * edges shown, so a top-N view still tells its edges apart.
 */
export function penwidthScale(digest: Digest): (r: DigestRow) => string {
  let min = Infinity,
    max = 0;
  for (let e = 0; e < digest.table.size; e++) {
    const b = approxBytes(digest.table, e);
    min = Math.min(min, b);
    max = Math.max(max, b);
  }
  const lo = Math.log1p(min),
    span = Math.log1p(max) - lo;
  return (r) => (span > 0 ? (1 + (7 * (Math.log1p(Number(r.bytes)) - lo)) / span).toFixed(2) : '1');
}

/** Style options after defaults. */
export interface ResolvedStyle {
  cluster: ClusterBy | null;
  subnetPrefix: number;
  penwidth: boolean;
  writer: 'auto' | 'graphlib' | 'stream';
  labels: LabelStyle;
  legend: boolean;
}

/** Resolve and check style options. */
export function resolveStyle(o: GraphStyleOptions): ResolvedStyle {
  if (o.cluster !== undefined && o.cluster !== 'account' && o.cluster !== 'subnet')
    throw new InvalidOptionError('options.cluster', "must be 'account' or 'subnet'");
  const subnetPrefix = checkValue(GRAPH_VIEW_OPTIONS.subnetPrefix, 'options.subnetPrefix', o.subnetPrefix) as number;
  if (o.penwidth !== undefined && typeof o.penwidth !== 'boolean')
    throw new InvalidOptionError('options.penwidth', 'must be a boolean');
  const writer = o.writer ?? 'auto';
  if (writer !== 'auto' && writer !== 'graphlib' && writer !== 'stream')
    throw new InvalidOptionError('options.writer', "must be 'auto', 'graphlib' or 'stream'");
  const labels = o.labels ?? 'human';
  if (!LABEL_STYLES.includes(labels))
    throw new InvalidOptionError('options.labels', `must be one of ${LABEL_STYLES.map((l) => `'${l}'`).join(', ')}`);
  if (o.legend !== undefined && typeof o.legend !== 'boolean')
    throw new InvalidOptionError('options.legend', 'must be a boolean');
  return {
    cluster: o.cluster ?? null,
    subnetPrefix,
    penwidth: o.penwidth ?? true,
    writer,
    labels,
    legend: o.legend ?? labels !== 'go',
  };
}

/** The model of a view: its nodes (clustered as asked), its edges with penwidth if asked. */
export function viewModel(view: GraphView, options: GraphStyleOptions = {}): GraphModel {
  const style = resolveStyle(options);
  const d = view.digest;
  const { packetsSeen, bytesSeen } = d.stats;
  const width = style.penwidth ? penwidthScale(d) : null;
  const go = style.labels === 'go';
  const base = go
    ? (r: DigestRow) => rowAttrs(r, packetsSeen, bytesSeen)
    : (r: DigestRow) => humanRowAttrs(r, packetsSeen, bytesSeen, style.labels, edgeStyle(r.action));
  const attrs = width === null ? base : (r: DigestRow) => [...base(r), ['penwidth', width(r)] as const];
  const cluster = style.cluster === null ? () => null : clusterOf(style.cluster, style.subnetPrefix, view, [d]);
  const isInternal = internalTest(view.folded, view.internal);
  const roots = layoutNodes([d], view.folded, cluster, go ? null : { secondLine: style.cluster === null, isInternal });
  if (style.legend) roots.push(legendNode(legendFacts(d, view.folded, style, 'view')));
  const title = options.graphTitle;
  if (title !== undefined && typeof title !== 'string')
    throw new InvalidOptionError('options.graphTitle', 'must be a string');
  const titled: Preamble[] =
    title === undefined || title === ''
      ? HUMAN_PREAMBLE
      : [
          ...HUMAN_PREAMBLE,
          {
            kind: 'graph',
            attrs: [
              ['label', escapeContent(title)],
              ['labelloc', 't'],
              ['fontsize', '16'],
            ],
          },
        ];
  return {
    ...(go ? {} : { preamble: titled }),
    roots,
    edges: [edgesOf(d, attrs)],
    edgeCount: d.size,
  };
}

/** The model of edge groups over plain nodes (no clusters, no folded nodes): used by diffs. */
export function plainModel(groups: EdgeGroup[], options: GraphStyleOptions = {}): GraphModel {
  const style = resolveStyle(options);
  const digests = groups.map((g) => g.digest);
  const go = style.labels === 'go';
  const roots = layoutNodes(
    digests,
    new Map(),
    () => null,
    go ? null : { secondLine: true, isInternal: internalTest(new Map(), PRIVATE_RANGES) },
  );
  if (style.legend) roots.push(legendNode(legendFacts(digests[0], new Map(), style, 'diff')));
  return {
    ...(go ? {} : { preamble: HUMAN_PREAMBLE }),
    roots,
    edges: groups,
    edgeCount: digests.reduce((n, d) => n + d.size, 0),
  };
}

function legendFacts(
  d: Digest | undefined,
  folded: ReadonlyMap<string, Cidr | null>,
  style: ResolvedStyle,
  kind: 'view' | 'diff',
): LegendFacts {
  let min = Infinity,
    max = -Infinity;
  if (d !== undefined && kind === 'view' && style.penwidth && d.stats.bytesSeen) {
    for (let e = 0; e < d.table.size; e++) {
      const b = approxBytes(d.table, e);
      min = Math.min(min, b);
      max = Math.max(max, b);
    }
  }
  const kinds = [...folded.values()];
  return {
    kind,
    widths: min <= max ? { min, max } : null,
    internet: kinds.includes(null),
    collapsed: kinds.some((k) => k !== null),
    labels: style.labels,
  };
}

/** Whether a node (address or folded name) is internal. */
function internalTest(folded: ReadonlyMap<string, Cidr | null>, internal: readonly Cidr[]): (name: string) => boolean {
  return (name) => {
    const f = folded.get(name);
    if (f !== undefined) return f !== null && internal.some((c) => cidrCovers(c, f));
    const ip = parseIp(name);
    return ip !== null && internal.some((c) => cidrContains(c, ip));
  };
}

type ClusterOf = (node: string) => { id: string; label: string } | null;

// No account or interface ID holds a NUL (it separates key fields).
const MANY = '\0';

// Nodes sorted by bytes (latin1 compare = byte order); clusters sorted by ID, placed first.
function layoutNodes(
  digests: Digest[],
  folded: ReadonlyMap<string, Cidr | null>,
  clusterOf: ClusterOf,
  human: { secondLine: boolean; isInternal: (name: string) => boolean } | null,
): (NodeSpec | ClusterSpec)[] {
  const names = new Set<string>();
  // For the second line of a node: its one account, or MANY.
  const accounts = new Map<string, string>();
  const note = (name: string, account: string) => {
    const seen = accounts.get(name);
    accounts.set(name, seen === undefined || seen === account ? account : MANY);
  };
  for (const d of digests) {
    for (let e = 0; e < d.table.size; e++) {
      const p = keyParts(d.table, e);
      names.add(p[2]);
      names.add(p[3]);
      if (human?.secondLine) {
        note(p[2], p[0]);
        note(p[3], p[0]);
      }
    }
  }
  const clusters = new Map<string, ClusterSpec>();
  const loose: NodeSpec[] = [];
  for (const name of [...names].sort()) {
    const kind = folded.get(name);
    let attrs: Attr[];
    if (human === null)
      attrs =
        kind === undefined
          ? []
          : kind === null
            ? [
                ['shape', 'box'],
                ['style', 'dashed'],
              ]
            : [['shape', 'box']];
    else {
      const account = accounts.get(name);
      const nf: NodeFacts = {
        name: utf8(name),
        kind: kind === undefined ? 'address' : kind === null ? 'internet' : 'range',
        account: account !== undefined && account !== MANY && human.isInternal(name) ? utf8(account) : null,
      };
      attrs = nodeAttrs(nf);
    }
    const node: NodeSpec = { id: escapeContent(utf8(name)), attrs };
    const c = clusterOf(name);
    if (c === null) {
      loose.push(node);
      continue;
    }
    let spec = clusters.get(c.id);
    if (spec === undefined) {
      spec = { id: escapeContent(utf8(c.id)), attrs: [['label', escapeContent(utf8(c.label))]], nodes: [] };
      clusters.set(c.id, spec);
    }
    spec.nodes.push(node);
  }
  const sortedClusters = [...clusters.keys()].sort().map((k) => clusters.get(k)!);
  for (const c of sortedClusters) c.nodes = objectKeyOrder(c.nodes);
  return objectKeyOrder([...sortedClusters, ...loose]);
}

// Cluster IDs hold a space, which no address has (fields are space-separated), so a cluster
// never shares its name with a node.
function clusterOf(by: ClusterBy, subnetPrefix: number, view: GraphView, digests: Digest[]): ClusterOf {
  const isInternal = internalTest(view.folded, view.internal);
  if (by === 'account') {
    const account = new Map<string, string>();
    for (const d of digests) {
      for (let e = 0; e < d.table.size; e++) {
        const p = keyParts(d.table, e);
        for (const node of [p[2], p[3]]) {
          const seen = account.get(node);
          account.set(node, seen === undefined || seen === p[0] ? p[0] : MANY);
        }
      }
    }
    return (name) => {
      const a = account.get(name);
      return a === undefined || a === MANY || !isInternal(name)
        ? null
        : { id: `cluster account ${a}`, label: `account ${a}` };
    };
  }
  return (name) => {
    if (!isInternal(name)) return null;
    const f = view.folded.get(name);
    let net: Cidr;
    if (f !== undefined && f !== null) {
      const bits = f.family === 4 ? subnetPrefix : 64;
      if (f.bits < bits) return null; // wider than a subnet: it holds several
      net = networkOf({ family: f.family, value: f.base }, bits);
    } else {
      const ip = parseIp(name)!;
      net = networkOf(ip, ip.family === 4 ? subnetPrefix : 64);
    }
    return { id: `cluster subnet ${net.text}`, label: net.text };
  };
}

/**
 * graphlib keeps nodes in plain objects, where integer-like keys ("0", "7") come first in
 * numeric order whatever the insertion order. The streaming writer orders the same way so
 * that both writers print the same bytes.
 */
export function objectKeyOrder<T extends { id: string }>(items: T[]): T[] {
  const isIndex = (s: string) => /^(0|[1-9]\d{0,9})$/.test(s) && Number(s) < 2 ** 32 - 1;
  const ints = items.filter((i) => isIndex(i.id)).sort((a, b) => Number(a.id) - Number(b.id));
  return ints.length === 0 ? items : [...ints, ...items.filter((i) => !isIndex(i.id))];
}
