/** Public types of the graph API: views, DOT/SVG output, and diffs. */
import type { Digest, DigestStats } from '../digest/digest.js';
import type { Cidr } from './cidr.js';
import type { LabelStyle } from './labels.js';

/**
 * Output formats of a graph: DOT text, SVG rendered in-process by Graphviz compiled to
 * WebAssembly, or one self-contained HTML page (that SVG with pan/zoom, search, edge details
 * and a top-talkers table; no network access).
 */
export type GraphFormat = 'dot' | 'svg' | 'html';

/** Every {@link GraphFormat}. */
export const GRAPH_FORMATS: readonly GraphFormat[] = ['dot', 'svg', 'html'];

/** What `cluster` groups nodes by. */
export type ClusterBy = 'account' | 'subnet';

/**
 * Which edges a graph shows. Filters run first, on the digest's own addresses; then collapsing
 * folds addresses into shared nodes (merging edges that become identical); then `top`.
 */
export interface GraphViewOptions {
  /** Keep edges with an endpoint in one of these CIDR ranges. @default every edge */
  cidrs?: readonly string[];
  /** Keep edges of these account IDs. @default every account */
  accounts?: readonly string[];
  /** Keep edges of these interface IDs. @default every interface */
  enis?: readonly string[];
  /** Keep edges whose source or destination port is one of these. @default every port */
  ports?: readonly number[];
  /** Keep edges with these actions (`ACCEPT`, `REJECT`). @default every action */
  actions?: readonly string[];
  /** Fold every address outside the internal ranges into one `internet` node. @default false */
  collapseExternal?: boolean;
  /**
   * Ranges that count as internal, besides 10/8, 172.16/12, 192.168/16 and fc00::/7
   * (for `collapseExternal` and for clustering). @default []
   */
  internal?: readonly string[];
  /** Fold the addresses of each of these CIDR ranges into one node named after the range. @default [] */
  collapse?: readonly string[];
  /**
   * Keep only the N edges with the most bytes (ties: exact bytes, then canonical row order), and
   * beside them the `topRejected` REJECT edges with the most records, which a by-bytes cut
   * drops (one-packet probes). @default every edge
   */
  top?: number;
  /** With `top`: how many REJECT edges to keep by records besides. 0 keeps none. @default top */
  topRejected?: number;
}

/** How a graph is drawn and written. */
export interface GraphStyleOptions {
  /**
   * Group internal nodes into clusters: `account` puts an address seen in exactly one account
   * in that account's box; `subnet` groups addresses by network (`subnetPrefix` for IPv4, /64
   * for IPv6). Public addresses stay outside. @default no clusters
   */
  cluster?: ClusterBy;
  /** IPv4 prefix length of a subnet cluster. @default 24 */
  subnetPrefix?: number;
  /** Scale each edge's `penwidth` with the log of its bytes, from 1 (lightest edge shown) to 8 (heaviest). @default true */
  penwidth?: boolean;
  /**
   * Which DOT writer to use. Both write the same bytes. `graphlib` builds a graphlib graph and
   * writes it with graphlib-dot (guarded against its escaping bugs); it holds the whole graph
   * and output in memory. `stream` writes row by row with backpressure. `auto` uses graphlib up
   * to {@link GRAPHLIB_MAX_EDGES} edges, and streams above. @default 'auto'
   */
  writer?: 'auto' | 'graphlib' | 'stream';
  /**
   * Edge and node labels. `human`: `https · 1.2 GB · 68 flows` on edges, REJECT red and
   * dashed, addresses with their account or interface in small type, a legend. `go`:
   * go-vpcflow's look, byte for byte as before (one `govpc_*=` line per field, plain nodes).
   * `none`: the human look without edge labels. The `govpc_*` attributes are on every edge
   * in every style. @default 'human'
   */
  labels?: LabelStyle;
  /** Draw a legend (one boxed table node) explaining colours, line styles and widths. @default true, except with `labels: 'go'` */
  legend?: boolean;
  /** A title drawn above the graph (not with `labels: 'go'`, whose look is kept byte for byte). @default none */
  graphTitle?: string;
}

/** Options of {@link writeGraph}: which edges, how drawn, and the format. */
export interface GraphOptions extends GraphViewOptions, GraphStyleOptions {
  /** @default 'dot' */
  format?: GraphFormat;
}

/** A digest narrowed and folded by {@link GraphViewOptions}. */
export interface GraphView {
  /** The edges to draw, one row per edge. */
  digest: Digest;
  /** Nodes made by collapsing: name → the range folded into it (`null` for `internet`). */
  folded: ReadonlyMap<string, Cidr | null>;
  /** Internal ranges in force (private ranges plus `internal`). */
  internal: readonly Cidr[];
  /** With `top`: how many edges were kept by bytes, and how many REJECT edges by records beside them. */
  kept?: { byBytes: number; rejected: number };
}

/** Options of {@link diffDigests} and {@link diffInputs}. */
export interface DiffOptions {
  /** Also report edges present in both whose packets, bytes, start or end differ. @default false */
  changed?: boolean;
  /** For raw flow-log inputs: fail on the first malformed record instead of counting it. @default false */
  strict?: boolean;
}

/**
 * The difference between two digests. An edge is identified by account, interface, addresses,
 * ports, protocol and action; packets, bytes and times are compared only for `changed`.
 */
export interface DigestDiff {
  /** Edges only in NEXT, with NEXT's values. */
  added: Digest;
  /** Edges only in PREVIOUS, with PREVIOUS's values. */
  removed: Digest;
  /** Edges in both whose values differ, with NEXT's values (empty unless `changed`). */
  changed: Digest;
  /** The same edges as `changed`, with PREVIOUS's values. */
  changedBefore: Digest;
  /** Edges in both (changed or not). */
  common: number;
  /** Distinct edges of each side. */
  previousRows: number;
  nextRows: number;
  /** What reading each side saw (malformed records skipped, with samples). */
  previousStats?: DigestStats;
  nextStats?: DigestStats;
}

/** Output formats of a diff. */
export type DiffFormat = 'dot' | 'svg' | 'html' | 'text' | 'ndjson';
