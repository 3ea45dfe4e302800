/**
 * A diff as DOT/SVG (edges marked `govpc_diff`, only the nodes they touch), as text (`-`, `+`,
 * `~` before a digest line) or as NDJSON. Order: removed, added, changed, each in canonical
 * row order.
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { Digest, DigestRow } from '../digest/digest.js';
import { InvalidOptionError } from '../errors.js';
import { writeModel } from './graph.js';
import { type Attr, type EdgeGroup, edgesOf, type GraphModel, plainModel, resolveStyle, rowAttrs } from './model.js';
import type { HtmlOptions } from './html.js';
import { formatBytes, formatBytesDelta, formatFlows, type LabelStyle, serviceLabel } from './labels.js';
import { COLOURS, humanRowAttrs } from './look.js';
import type { DiffFormat, DigestDiff, GraphStyleOptions } from './types.js';

/** Output formats of a diff. */
export const DIFF_FORMATS: readonly DiffFormat[] = ['dot', 'svg', 'html', 'text', 'ndjson'];

/** How each kind of difference is drawn in go-vpcflow's look: distinct from ACCEPT green and REJECT red. */
const DRAWN = {
  ADDED: [['color', 'blue']],
  REMOVED: [['color', 'orange'], ['style', 'dashed']],
  CHANGED: [['color', 'gray40']],
} as const satisfies Record<string, readonly Attr[]>;

type Kind = keyof typeof DRAWN;

/** How each kind is drawn for people: added green, removed red and dashed, changed amber. */
const HUMAN_DRAWN: Record<Kind, Attr[]> = {
  ADDED: [['color', COLOURS.added]],
  REMOVED: [['color', COLOURS.removed], ['style', 'dashed']],
  CHANGED: [['color', COLOURS.changed]],
};
const MARK: Record<Kind, string> = { ADDED: '+ ', REMOVED: '− ', CHANGED: '' };

const dash = (v: number | null): string => (v === null ? '-' : String(v));
const signed = (v: bigint | number): string => (v > 0 ? `+${v}` : String(v));

interface Delta { packets: string; bytes: string; start: string; end: string }

function delta(after: DigestRow, before: DigestRow, packetsSeen: boolean, bytesSeen: boolean): Delta {
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

function diffAttrs(kind: Kind, row: DigestRow, d: Digest, labels: LabelStyle, deltas?: Delta, before?: DigestRow): Attr[] {
  const extra: Attr[] = deltas === undefined ? [] : [
    ['govpc_packetsDelta', deltas.packets], ['govpc_bytesDelta', deltas.bytes],
    ['govpc_startDelta', deltas.start], ['govpc_endDelta', deltas.end],
  ];
  if (labels !== 'go') {
    const bytesSeen = d.stats.bytesSeen;
    const parts = [serviceLabel(row.protocol, row.srcPort, row.dstPort)];
    if (bytesSeen) parts.push(formatBytes(row.bytes) + (before === undefined ? '' : ` (${formatBytesDelta(row.bytes - before.bytes)})`));
    parts.push(formatFlows(row.records));
    if (row.action === 'REJECT') parts.push('REJECT');
    const label = `${MARK[kind]}${parts.join(' · ')}`;
    return [...humanRowAttrs(row, d.stats.packetsSeen, bytesSeen, labels, HUMAN_DRAWN[kind], label), ['govpc_diff', kind], ...extra];
  }
  const base = rowAttrs(row, d.stats.packetsSeen, d.stats.bytesSeen);
  const label = base.find(([k]) => k === 'label')![1];
  return decorate(base, [...DRAWN[kind], ['label', `govpc_diff=${kind}\\n${label}`], ['govpc_diff', kind], ...extra]);
}

// Rows of `changed` and `changedBefore` share keys, so their canonical orders pair them up.
function* pairs(diff: DigestDiff): IterableIterator<[DigestRow, DigestRow]> {
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
        yield [after, diffAttrs('CHANGED', after, changed, labels, delta(after, before, changed.stats.packetsSeen, changed.stats.bytesSeen), before)] as const;
      }
    },
  };
  return plainModel([
    edgesOf(diff.removed, (r) => diffAttrs('REMOVED', r, diff.removed, labels)),
    edgesOf(diff.added, (r) => diffAttrs('ADDED', r, diff.added, labels)),
    changedGroup,
  ], options);
}

function textLine(mark: string, r: DigestRow, d: Digest): string {
  return `${mark} 2 ${r.account} ${r.interfaceId} ${r.srcAddr} ${r.dstAddr} ${dash(r.srcPort)} ${dash(r.dstPort)} ${dash(r.protocol)} ` +
    `${d.stats.packetsSeen ? r.packets : '-'} ${d.stats.bytesSeen ? r.bytes : '-'} ${dash(r.start)} ${dash(r.end)} ${r.action} OK`;
}

function jsonLine(kind: Kind, r: DigestRow, d: Digest, deltas?: Delta): string {
  const num = (s: string) => (s === '-' ? 'null' : s.replace(/^\+/, ''));
  return `{"diff":"${kind}","account-id":${JSON.stringify(r.account)},"interface-id":${JSON.stringify(r.interfaceId)},` +
    `"srcaddr":${JSON.stringify(r.srcAddr)},"dstaddr":${JSON.stringify(r.dstAddr)},` +
    `"srcport":${r.srcPort},"dstport":${r.dstPort},"protocol":${r.protocol},` +
    `"packets":${d.stats.packetsSeen ? r.packets : null},"bytes":${d.stats.bytesSeen ? r.bytes : null},"start":${r.start},"end":${r.end},` +
    `"action":${JSON.stringify(r.action)},"records":${r.records}` +
    (deltas === undefined ? '' : `,"delta":{"packets":${num(deltas.packets)},"bytes":${num(deltas.bytes)},"start":${num(deltas.start)},"end":${num(deltas.end)}}`) +
    '}';
}

function* lines(diff: DigestDiff, format: 'text' | 'ndjson'): IterableIterator<string> {
  const { removed, added, changed } = diff;
  const text = format === 'text';
  for (const r of removed.rows()) yield text ? textLine('-', r, removed) : jsonLine('REMOVED', r, removed);
  for (const r of added.rows()) yield text ? textLine('+', r, added) : jsonLine('ADDED', r, added);
  for (const [after, before] of pairs(diff)) {
    const d = delta(after, before, changed.stats.packetsSeen, changed.stats.bytesSeen);
    yield text
      ? `${textLine('~', after, changed)} packets=${d.packets} bytes=${d.bytes} start=${d.start} end=${d.end}`
      : jsonLine('CHANGED', after, changed, d);
  }
  if (!text) {
    yield JSON.stringify({ summary: { previousRows: diff.previousRows, nextRows: diff.nextRows, removed: removed.size, added: added.size, changed: changed.size, common: diff.common } });
  }
}

/** Options of {@link writeDiff}: the DOT writer, labels, legend, and for HTML its title. */
export type DiffStyleOptions = Pick<GraphStyleOptions, 'writer' | 'labels' | 'legend'> & HtmlOptions;

/**
 * Write `diff` to `out` as DOT (default), SVG, the HTML page, text or NDJSON, honouring
 * backpressure. Does not end `out`.
 */
export async function writeDiff(diff: DigestDiff, out: Writable, format: DiffFormat = 'dot', options: DiffStyleOptions = {}): Promise<void> {
  if (!DIFF_FORMATS.includes(format)) throw new InvalidOptionError('format', `must be one of ${DIFF_FORMATS.join(', ')}`);
  const style = resolveStyle(options);
  if (format === 'dot' || format === 'svg') return writeModel(diffModel(diff, options), out, format, style.writer);
  if (format === 'html') {
    const { renderDiffHtml } = await import('./html.js');
    const text = await renderDiffHtml(diff, options);
    if (!out.write(text)) await once(out, 'drain');
    return;
  }
  let batch = '';
  for (const line of lines(diff, format)) {
    batch += `${line}\n`;
    if (batch.length >= 65536) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  if (batch.length > 0 && !out.write(batch)) await once(out, 'drain');
}

/** `diff` as one string (small diffs, tests). */
export async function diffToString(diff: DigestDiff, format: DiffFormat = 'dot', options: DiffStyleOptions = {}): Promise<string> {
  const parts: string[] = [];
  const sink = new Writable({ decodeStrings: false, write(chunk: string, _enc, done) { parts.push(chunk); done(); } });
  await writeDiff(diff, sink, format, options);
  return parts.join('');
}
