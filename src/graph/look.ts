/**
 * The default look of a graph, for people: colours and line styles, edge labels
 * (`https · 1.2 GB · 68 flows`), node labels (address, then account or interface in small
 * type), distinct shapes for `internet` and collapsed ranges, and a legend. go-vpcflow's look
 * (`labels: 'go'`) is model.ts's {@link rowAttrs} and plain nodes.
 */
import type { DigestRow } from '../digest/digest.js';
import { escapeContent, escapeHtmlText, htmlLabel } from './escape.js';
import { govpcFields } from './govpc.js';
import { displayAddress, edgeLabel, formatBytes, type LabelStyle } from './labels.js';
import type { Attr, NodeSpec, Preamble } from './spec.js';

/** Colours of the default look (also used by the HTML view's legend and table). */
export const COLOURS = {
  accept: '#3b6ea8',
  reject: '#d32f2f',
  added: '#2e7d32',
  removed: '#d32f2f',
  changed: '#b26a00',
  secondLine: '#5f6b7a',
} as const;

const FONT = 'Helvetica,Arial,sans-serif';

/** Default statements: a sans-serif face, left-to-right layout, rounded boxes for addresses. */
export const HUMAN_PREAMBLE: Preamble[] = [
  {
    kind: 'graph',
    attrs: [
      ['rankdir', 'LR'],
      ['fontname', FONT],
      ['fontsize', '11'],
      ['nodesep', '0.3'],
      ['ranksep', '0.9'],
    ],
  },
  // A wider margin than Graphviz's 0.11: browsers draw the text a little wider than it estimates.
  {
    kind: 'node',
    attrs: [
      ['shape', 'box'],
      ['style', 'rounded,filled'],
      ['fillcolor', '#f4f6f9'],
      ['color', '#8593a3'],
      ['fontname', FONT],
      ['fontsize', '11'],
      ['margin', '0.16,0.06'],
    ],
  },
  {
    kind: 'edge',
    attrs: [
      ['fontname', FONT],
      ['fontsize', '9'],
      ['fontcolor', '#333333'],
      ['arrowsize', '0.7'],
    ],
  },
];

/** Colour and extra attributes of an edge by action: REJECT is red and dashed. */
export function edgeStyle(action: string): Attr[] {
  return action === 'REJECT'
    ? [
        ['color', COLOURS.reject],
        ['style', 'dashed'],
      ]
    : [['color', COLOURS.accept]];
}

/**
 * An edge for people: go-vpcflow's `govpc_*` fields (kept for tools that read them), then
 * `color`, the label (unless `none`), `govpc_action`, `govpc_records`, then `style` etc.
 * `label` overrides the default label text (raw, not yet DOT content).
 */
export function humanRowAttrs(
  r: DigestRow,
  packetsSeen: boolean,
  bytesSeen: boolean,
  labels: LabelStyle,
  look: readonly Attr[],
  label?: string,
): Attr[] {
  const out: Attr[] = [...govpcFields(r, packetsSeen, bytesSeen), look[0]];
  if (labels !== 'none') out.push(['label', escapeContent(label ?? edgeLabel(r, bytesSeen))]);
  out.push(['govpc_action', escapeContent(r.action)], ['govpc_records', String(r.records)], ...look.slice(1));
  return out;
}

/**
 * What a node's label shows: its name (raw text), what it is, and the one account its rows
 * were logged in, if one. (Not the interface: a row's interface is one of its two endpoints'
 * and a label cannot tell which.)
 */
export interface NodeFacts {
  name: string;
  kind: 'address' | 'internet' | 'range';
  account: string | null;
}

const small = (text: string) =>
  `<br/><font point-size="9" color="${COLOURS.secondLine}">${escapeHtmlText(text)}</font>`;

/** A node's attributes: an HTML-like label (name, then a smaller second line), and a shape by kind. */
export function nodeAttrs(n: NodeFacts): Attr[] {
  if (n.kind === 'internet') {
    return [
      ['shape', 'ellipse'],
      ['style', 'filled,dashed'],
      ['fillcolor', '#e3eefa'],
      ['color', COLOURS.accept],
      ['label', htmlLabel(`<b>${escapeHtmlText(n.name)}</b>${small('public addresses')}`)],
    ];
  }
  if (n.kind === 'range') {
    return [
      ['shape', 'folder'],
      ['style', 'filled'],
      ['fillcolor', '#fff3d6'],
      ['color', '#b58900'],
      ['label', htmlLabel(`${escapeHtmlText(displayAddress(n.name))}${small('collapsed range')}`)],
    ];
  }
  const second = n.account;
  const shown = displayAddress(n.name);
  if (second === null && shown === n.name) return [];
  return [['label', htmlLabel(`${escapeHtmlText(shown)}${second === null ? '' : small(second)}`)]];
}

/** What the legend explains: the kind of picture, the range of widths, the node kinds present. */
export interface LegendFacts {
  kind: 'view' | 'diff';
  /** Bytes of the lightest and heaviest edge (when widths scale), else null. */
  widths: { min: number; max: number } | null;
  internet: boolean;
  collapsed: boolean;
  labels: LabelStyle;
}

/** ID of the legend's node; an ID with a space is never an address (fields are space-separated). */
export const LEGEND_NODE = 'flowdigest legend';

// The empty last cell is a margin: browsers draw the text a little wider than Graphviz estimates.
const row = (sample: string, text: string) =>
  `<tr><td align="left">${sample}</td><td align="left">${escapeHtmlText(text)}</td><td width="10"></td></tr>`;
const line = (colour: string, dashed: boolean) =>
  `<font color="${colour}"><b>${dashed ? '╌ ╌ ╌ ╌' : '────────'}</b></font>`;

/**
 * The legend: one node holding a boxed table titled "legend", with no edges, so DOT readers
 * see only data edges. Not a cluster: a cluster makes dot lay out the whole graph the slower
 * cluster-aware way (twice the time at 10,000 edges, and deep enough recursion to overflow the
 * stack of a warmed-up process).
 */
export function legendNode(f: LegendFacts): NodeSpec {
  const rows: string[] = [];
  if (f.kind === 'view') {
    rows.push(row(line(COLOURS.accept, false), 'ACCEPT'), row(line(COLOURS.reject, true), 'REJECT'));
    if (f.widths !== null)
      rows.push(row('thin … thick', `bytes, log scale: ${formatBytes(f.widths.min)} … ${formatBytes(f.widths.max)}`));
    if (f.labels === 'human') rows.push(row('label', 'service · bytes · flows'));
  } else {
    rows.push(row(line(COLOURS.added, false), 'added'), row(line(COLOURS.removed, true), 'removed'));
    rows.push(
      row(line(COLOURS.changed, false), f.labels === 'human' ? 'changed (label: bytes, +/- change)' : 'changed'),
    );
    if (f.labels === 'human') rows.push(row('label', 'service · bytes · flows'));
  }
  if (f.internet) rows.push(row('dashed oval', 'internet: every public address'));
  if (f.collapsed) rows.push(row('folder', 'a collapsed range'));
  const title = '<tr><td colspan="3"><font point-size="10"><b>legend</b></font></td></tr>';
  return {
    id: LEGEND_NODE,
    attrs: [
      ['shape', 'plain'],
      ['style', 'solid'],
      ['fontsize', '9'],
      [
        'label',
        htmlLabel(
          `<table border="1" style="rounded" color="#b0b8c4" cellborder="0" cellspacing="1" cellpadding="3">${title}${rows.join('')}</table>`,
        ),
      ],
    ],
  };
}
