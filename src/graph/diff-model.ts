/** A diff as a graph model: added, removed and changed edges, each drawn in its own way. */
import type { Digest, DigestRow } from '../digest/digest.js';
import { type Attr, type EdgeGroup, edgesOf, type GraphModel, plainModel, resolveStyle, rowAttrs } from './model.js';
import { formatBytes, formatBytesDelta, formatFlows, type LabelStyle, serviceLabel } from './labels.js';
import { COLOURS, humanRowAttrs } from './look.js';
import type { DigestDiff, GraphStyleOptions } from './types.js';

/** How each kind of difference is drawn in go-vpcflow's look: distinct from ACCEPT green and REJECT red. */
const DRAWN = {
  ADDED: [['color', 'blue']],
  REMOVED: [
    ['color', 'orange'],
    ['style', 'dashed'],
  ],
  CHANGED: [['color', 'gray40']],
} as const satisfies Record<string, readonly Attr[]>;

export type Kind = keyof typeof DRAWN;

/** How each kind is drawn for people: added green, removed red and dashed, changed amber. */
const HUMAN_DRAWN: Record<Kind, Attr[]> = {
  ADDED: [['color', COLOURS.added]],
  REMOVED: [
    ['color', COLOURS.removed],
    ['style', 'dashed'],
  ],
  CHANGED: [['color', COLOURS.changed]],
};
const MARK: Record<Kind, string> = { ADDED: '+ ', REMOVED: '− ', CHANGED: '' };

export const dash = (v: number | null): string => (v === null ? '-' : String(v));
const signed = (v: bigint | number): string => (v > 0 ? `+${v}` : String(v));

export interface Delta {
  packets: string;
  bytes: string;
  start: string;
  end: string;
}

export function delta(after: DigestRow, before: DigestRow, packetsSeen: boolean, bytesSeen: boolean): Delta {
  const time = (a: number | null, b: number | null) => (a === null || b === null ? '-' : signed(a - b));
  return {
    packets: packetsSeen ? signed(after.packets - before.packets) : '-',
    bytes: bytesSeen ? signed(after.bytes - before.bytes) : '-',
    start: time(after.start, before.start),
    end: time(after.end, before.end),
  };
}

/** `attrs` with `changes` applied: existing names keep their place, new ones go last. */
function decorate(attrs: Attr[], changes: readonly Attr[]): Attr[] {
  const out = attrs.map(([k, v]): Attr => [k, changes.find(([ck]) => ck === k)?.[1] ?? v]);
  for (const c of changes) if (!attrs.some(([k]) => k === c[0])) out.push(c);
  return out;
}

function diffAttrs(
  kind: Kind,
  row: DigestRow,
  d: Digest,
  labels: LabelStyle,
  deltas?: Delta,
  before?: DigestRow,
): Attr[] {
  const extra: Attr[] =
    deltas === undefined
      ? []
      : [
          ['govpc_packetsDelta', deltas.packets],
          ['govpc_bytesDelta', deltas.bytes],
          ['govpc_startDelta', deltas.start],
          ['govpc_endDelta', deltas.end],
        ];
  if (labels !== 'go') {
    const bytesSeen = d.stats.bytesSeen;
    const parts = [serviceLabel(row.protocol, row.srcPort, row.dstPort)];
    if (bytesSeen)
      parts.push(
        formatBytes(row.bytes) + (before === undefined ? '' : ` (${formatBytesDelta(row.bytes - before.bytes)})`),
      );
    parts.push(formatFlows(row.records));
    if (row.action === 'REJECT') parts.push('REJECT');
    const label = `${MARK[kind]}${parts.join(' · ')}`;
    return [
      ...humanRowAttrs(row, d.stats.packetsSeen, bytesSeen, labels, HUMAN_DRAWN[kind], label),
      ['govpc_diff', kind],
      ...extra,
    ];
  }
  const base = rowAttrs(row, d.stats.packetsSeen, d.stats.bytesSeen);
  const label = base.find(([k]) => k === 'label')![1];
  return decorate(base, [...DRAWN[kind], ['label', `govpc_diff=${kind}\\n${label}`], ['govpc_diff', kind], ...extra]);
}

// Rows of `changed` and `changedBefore` share keys, so their canonical orders pair them up.
export function* pairs(diff: DigestDiff): IterableIterator<[DigestRow, DigestRow]> {
  const before = diff.changedBefore.rows();
  for (const after of diff.changed.rows()) yield [after, before.next().value as DigestRow];
}

/**
 * The diff as a graph model: removed, added, changed edges over the nodes they touch. Style
 * options: `labels` and `legend` (clusters and penwidth do not apply to diffs).
 */
export function diffModel(diff: DigestDiff, options: GraphStyleOptions = {}): GraphModel {
  const { changed } = diff;
  const { labels } = resolveStyle(options);
  const changedGroup: EdgeGroup = {
    digest: changed,
    *edges() {
      for (const [after, before] of pairs(diff)) {
        yield [
          after,
          diffAttrs(
            'CHANGED',
            after,
            changed,
            labels,
            delta(after, before, changed.stats.packetsSeen, changed.stats.bytesSeen),
            before,
          ),
        ] as const;
      }
    },
  };
  return plainModel(
    [
      edgesOf(diff.removed, (r) => diffAttrs('REMOVED', r, diff.removed, labels)),
      edgesOf(diff.added, (r) => diffAttrs('ADDED', r, diff.added, labels)),
      changedGroup,
    ],
    options,
  );
}
