/**
 * The report as text: one aligned table per section, at most 100 columns wide (a long address
 * is cut in the middle with `…`), port names where they are unambiguous, and the window and
 * filters in the title.
 */
import { displayAddress, formatBytes, formatCount, protocolName, serviceName } from '../graph/labels.js';
import type { Count, Ranked, Report } from './types.js';

type TrafficEntry = NonNullable<Report['traffic']>['top'][number];

/** The traffic section's columns the digest's key holds: (key field, heading, value). */
export function trafficColumns(fields: readonly string[]): Array<[string, string, (x: TrafficEntry) => string | null]> {
  const cols: Array<[string, string, (x: TrafficEntry) => string | null]> = [
    ['flow-direction', 'direction', (x) => x.direction],
    ['pkt-src-aws-service', 'source service', (x) => x.srcService],
    ['pkt-dst-aws-service', 'destination service', (x) => x.dstService],
  ];
  return cols.filter(([f]) => fields.includes(f));
}

/** The widest a text report gets. */
export const TEXT_WIDTH = 100;

/** `https`, `tcp/8080`, `udp/0`, `icmp`: a service port on its protocol, named when unambiguous. */
export function portLabel(port: number | null, protocol: number | null): string {
  // Port 0 means nothing on a protocol without ports (ICMP digests as 0 0): name the protocol.
  if (port === null || (port === 0 && protocol !== 6 && protocol !== 17)) return protocolName(protocol);
  return (port > 0 ? serviceName(protocol, port) : null) ?? `${protocolName(protocol)}/${port}`;
}

/** A Unix time as `2026-12-06 10:00:00Z`. */
function instant(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

/** The window and the filters, as the title of every rendering says them. */
export function reportTitle(r: Report): string {
  const w = r.window;
  const window = w.start === null || w.end === null ? 'no time window' : `${instant(w.start)} to ${instant(w.end)}`;
  return `flowdigest report: ${window}${filterText(r) === '' ? '' : `; ${filterText(r)}`}`;
}

/** {@link reportTitle} within {@link TEXT_WIDTH}: the filters go on a line of their own when long. */
function textTitle(r: Report): string {
  const title = reportTitle(r);
  if (title.length <= TEXT_WIDTH) return title;
  const f = filterText(r);
  // The filters on lines of their own, broken after commas.
  const lines = [title.slice(0, title.length - f.length - 2)];
  let line = ' ';
  for (const word of f.split(/(?<=,)/)) {
    if (line.length + word.length > TEXT_WIDTH && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = '   ';
    }
    line += word;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

/** `--cidr 10.0.0.0/8, --port 22, --action REJECT` as given, or '' without filters. */
export function filterText(r: Report): string {
  const f = r.filters;
  const parts: string[] = [];
  if (f.cidrs.length > 0) parts.push(`cidr ${f.cidrs.join(',')}`);
  if (f.ports.length > 0) parts.push(`port ${f.ports.join(',')}`);
  if (f.actions.length > 0) parts.push(`action ${f.actions.join(',')}`);
  return parts.length === 0 ? '' : `filters: ${parts.join(', ')}`;
}

type Align = 'l' | 'r';

/** Rows as aligned columns within {@link TEXT_WIDTH}: the widest left-aligned column gives way first. */
export function table(head: string[], align: Align[], rows: string[][], indent = '  '): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const room = TEXT_WIDTH - indent.length - 2 * (head.length - 1);
  for (let over = widths.reduce((a, b) => a + b, 0) - room; over > 0; ) {
    const i = widths.reduce((best, w, j) => (align[j] === 'l' && w > widths[best] ? j : best), align.indexOf('l'));
    if (i < 0 || widths[i] <= 12) break;
    const cut = Math.min(over, widths[i] - 12);
    widths[i] -= cut;
    over -= cut;
  }
  const cell = (text: string, i: number) => {
    const t = text.length > widths[i] ? `${text.slice(0, widths[i] - 6)}…${text.slice(-5)}` : text;
    return align[i] === 'r' ? t.padStart(widths[i]) : t.padEnd(widths[i]);
  };
  return [head, ...rows].map((r) => `${indent}${r.map(cell).join('  ')}`.trimEnd()).join('\n');
}

const num = (n: Count) => formatCount(n);

function section(title: string, list: Ranked<unknown>, body: () => string, none: string): string {
  const shown = list.top.length < list.total ? ` (top ${list.top.length} of ${formatCount(list.total)})` : '';
  return `${title}${shown}\n${list.total === 0 ? `  ${none}` : body()}\n`;
}

/** The whole report as text. */
export function reportToText(r: Report): string {
  const bytes = (n: Count) => (r.bytesSeen ? formatBytes(n) : '-');
  const addr = displayAddress;
  const out: string[] = [`${textTitle(r)}\n`];
  const t = r.totals;
  out.push(
    `Totals\n${table(
      ['action', 'records', 'rows', 'packets', 'bytes'],
      ['l', 'r', 'r', 'r', 'r'],
      [
        ...Object.entries(t.actions).map(([a, x]) => [a, num(x.records), num(x.rows), num(x.packets), bytes(x.bytes)]),
        ['all', num(t.records), num(t.rows), num(t.packets), bytes(t.bytes)],
      ],
    )}\n`,
  );
  const talkers = (title: string, list: Report['talkers'], peers: string) =>
    section(
      title,
      list,
      () =>
        table(
          ['address', 'bytes', 'packets', 'records', peers],
          ['l', 'r', 'r', 'r', 'r'],
          list.top.map((x) => [addr(x.address), bytes(x.bytes), num(x.packets), num(x.records), num(x.peers)]),
        ),
      'no rows',
    );
  out.push(talkers('Talkers: sources by bytes', r.talkers, 'destinations'));
  out.push(talkers('Listeners: destinations by bytes', r.listeners, 'sources'));
  out.push(
    section(
      'Rejected: sources by REJECT records',
      r.rejected.sources,
      () =>
        table(
          ['address', 'records', 'bytes'],
          ['l', 'r', 'r'],
          r.rejected.sources.top.map((x) => [addr(x.address), num(x.records), bytes(x.bytes)]),
        ),
      'nothing was rejected',
    ),
  );
  out.push(
    section(
      'Rejected: service ports by REJECT records',
      r.rejected.ports,
      () =>
        table(
          ['service', 'records', 'bytes'],
          ['l', 'r', 'r'],
          r.rejected.ports.top.map((x) => [portLabel(x.port, x.protocol), num(x.records), bytes(x.bytes)]),
        ),
      'nothing was rejected',
    ),
  );
  out.push(
    section(
      'Exposed: internal services that accepted external sources',
      r.exposed,
      () =>
        table(
          ['address', 'service', 'sources', 'bytes', 'records'],
          ['l', 'l', 'r', 'r', 'r'],
          r.exposed.top.map((x) => [
            addr(x.address),
            portLabel(x.port, x.protocol),
            num(x.sources),
            bytes(x.bytes),
            num(x.records),
          ]),
        ),
      'no ACCEPT from an external source to an internal port',
    ),
  );
  out.push(
    section(
      'Probes: external sources by distinct (host, service port) targets',
      r.probes,
      () =>
        table(
          ['address', 'targets', 'hosts', 'records', 'rejected'],
          ['l', 'r', 'r', 'r', 'r'],
          r.probes.top.map((x) => [
            addr(x.address),
            num(x.targets),
            num(x.hosts),
            num(x.records),
            `${num(x.rejected)} (${(x.rejectShare * 100).toFixed(1)}%)`,
          ]),
        ),
      'no external sources',
    ),
  );
  if (r.new !== null) {
    const b = r.new.baseline;
    const since =
      b.window.start === null || b.window.end === null
        ? `${formatCount(b.rows)} rows`
        : `${instant(b.window.start)} to ${instant(b.window.end)}, ${formatCount(b.rows)} rows`;
    const list = r.new;
    out.push(
      section(
        'New: (source, destination, service) absent from the baseline, by bytes',
        list,
        () =>
          `  baseline: ${since}\n${table(
            ['source', 'destination', 'service', 'bytes', 'records'],
            ['l', 'l', 'l', 'r', 'r'],
            list.top.map((x) => [
              addr(x.srcaddr),
              addr(x.dstaddr),
              portLabel(x.port, x.protocol),
              bytes(x.bytes),
              num(x.records),
            ]),
          )}`,
        `nothing new (baseline: ${since})`,
      ),
    );
  }
  if (r.traffic !== null) {
    const tr = r.traffic;
    const shown = trafficColumns(tr.fields);
    out.push(
      section(
        `Traffic by ${tr.fields.join(', ')}, by bytes`,
        tr,
        () =>
          table(
            [...shown.map(([, h]) => h), 'bytes', 'packets', 'records', 'rejected'],
            [...shown.map(() => 'l' as const), 'r', 'r', 'r', 'r'],
            tr.top.map((x) => [
              ...shown.map(([, , f]) => f(x) ?? '-'),
              bytes(x.bytes),
              num(x.packets),
              num(x.records),
              num(x.rejected),
            ]),
          ),
        'no rows',
      ),
    );
  }
  return out.join('\n');
}
