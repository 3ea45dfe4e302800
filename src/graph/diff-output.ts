/**
 * A diff as DOT/SVG (edges marked `govpc_diff`, only the nodes they touch), as text (`-`, `+`,
 * `~` before a digest line) or as NDJSON. Order: removed, added, changed, each in canonical
 * row order.
 */
import { checkGraphSize } from './svg.js';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { type Digest, type DigestRow, lostSum } from '../digest/digest.js';
import { InvalidOptionError } from '../errors.js';
import { isV2Key } from '../digest/keyed-format.js';
import { writeModel } from './model-output.js';
import { resolveStyle } from './model.js';
import { dash, delta, type Delta, diffModel, type Kind, pairs } from './diff-model.js';
import type { HtmlOptions } from './html.js';
import type { DiffFormat, DigestDiff, GraphStyleOptions } from './types.js';

export { diffModel } from './diff-model.js';

/** Output formats of a diff. */
export const DIFF_FORMATS: readonly DiffFormat[] = ['dot', 'svg', 'html', 'text', 'ndjson'];

/** The value of key field `f` in row `r` (`-` for none); numbers for the numeric fields. */
function fieldValue(r: DigestRow, f: string): string | number | null {
  switch (f) {
    case 'account-id':
      return r.account;
    case 'interface-id':
      return r.interfaceId;
    case 'srcaddr':
      return r.srcAddr;
    case 'dstaddr':
      return r.dstAddr;
    case 'action':
      return r.action;
    case 'srcport':
      return r.srcPort;
    case 'dstport':
      return r.dstPort;
    case 'protocol':
      return r.protocol;
    default:
      return r.fields?.[f] ?? '-';
  }
}

function textLine(mark: string, r: DigestRow, d: Digest): string {
  if (!isV2Key(d.key))
    // A keyed digest's line: its key fields, then packets bytes start end log-status (its header's order).
    // Then its summed packets-lost-* fields, if any.
    return `${mark} ${d.key.map((f) => String(fieldValue(r, f) ?? '-')).join(' ')} ${d.stats.packetsSeen ? r.packets : '-'} ${d.stats.bytesSeen ? r.bytes : '-'} ${dash(r.start)} ${dash(r.end)} OK${d.lost.map((f) => ` ${lostSum(r, f)}`).join('')}`;
  return (
    `${mark} 2 ${r.account} ${r.interfaceId} ${r.srcAddr} ${r.dstAddr} ${dash(r.srcPort)} ${dash(r.dstPort)} ${dash(r.protocol)} ` +
    `${d.stats.packetsSeen ? r.packets : '-'} ${d.stats.bytesSeen ? r.bytes : '-'} ${dash(r.start)} ${dash(r.end)} ${r.action} OK`
  );
}

function jsonLine(kind: Kind, r: DigestRow, d: Digest, deltas?: Delta): string {
  const num = (s: string) => (s === '-' ? 'null' : s.replace(/^\+/, ''));
  const v2 = isV2Key(d.key);
  // A keyed digest's row names its key fields in the key's order, as its NDJSON digest does.
  const key = v2
    ? `"account-id":${JSON.stringify(r.account)},"interface-id":${JSON.stringify(r.interfaceId)},` +
      `"srcaddr":${JSON.stringify(r.srcAddr)},"dstaddr":${JSON.stringify(r.dstAddr)},` +
      `"srcport":${r.srcPort},"dstport":${r.dstPort},"protocol":${r.protocol},`
    : `${d.key.map((f) => `${JSON.stringify(f)}:${JSON.stringify(fieldValue(r, f))}`).join(',')},`;
  return (
    `{"diff":"${kind}",${key}` +
    `"packets":${d.stats.packetsSeen ? r.packets : null},"bytes":${d.stats.bytesSeen ? r.bytes : null},"start":${r.start},"end":${r.end},` +
    (v2 ? `"action":${JSON.stringify(r.action)},` : '') +
    d.lost.map((f) => `"${f}":${lostSum(r, f)},`).join('') +
    `"records":${r.records}` +
    (deltas === undefined
      ? ''
      : `,"delta":{"packets":${num(deltas.packets)},"bytes":${num(deltas.bytes)},"start":${num(deltas.start)},"end":${num(deltas.end)}}`) +
    '}'
  );
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
    yield JSON.stringify({
      summary: {
        previousRows: diff.previousRows,
        nextRows: diff.nextRows,
        removed: removed.size,
        added: added.size,
        changed: changed.size,
        common: diff.common,
      },
    });
  }
}

/** Options of {@link writeDiff}: the DOT writer, labels, legend, and for HTML its title. */
export type DiffStyleOptions = Pick<GraphStyleOptions, 'writer' | 'labels' | 'legend'> & HtmlOptions;

/**
 * Write `diff` to `out` as DOT (default), SVG, the HTML page, text or NDJSON, honouring
 * backpressure. Does not end `out`.
 */
export async function writeDiff(
  diff: DigestDiff,
  out: Writable,
  format: DiffFormat = 'dot',
  options: DiffStyleOptions = {},
): Promise<void> {
  if (!DIFF_FORMATS.includes(format))
    throw new InvalidOptionError('format', `must be one of ${DIFF_FORMATS.join(', ')}`);
  const style = resolveStyle(options);
  if (format === 'svg' || format === 'html')
    checkGraphSize(diff.added.size + diff.removed.size + diff.changed.size, format);
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
export async function diffToString(
  diff: DigestDiff,
  format: DiffFormat = 'dot',
  options: DiffStyleOptions = {},
): Promise<string> {
  const parts: string[] = [];
  const sink = new Writable({
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      parts.push(chunk);
      done();
    },
  });
  await writeDiff(diff, sink, format, options);
  return parts.join('');
}
