/**
 * The report as the self-contained HTML page: the report's tables lead, the graph of the same
 * rows comes below (its top edges by bytes and its top REJECT edges, real addresses). The page
 * is the graph view's (graph/html.ts): same CSP, same escaping; every value here goes through
 * escapeHtml.
 */
import type { Digest } from '../digest/digest.js';
import { renderHtmlAfter } from '../graph/html.js';
import { displayAddress, formatBytes, formatCount } from '../graph/labels.js';
import type { GraphStyleOptions } from '../graph/types.js';
import { applyView } from '../graph/views.js';
import { escapeHtml } from '../graph/html.js';
import { portLabel, reportTitle, trafficColumns } from './text.js';
import type { Count, Ranked, Report } from './types.js';

/** Options of {@link reportToHtml}. */
export interface ReportHtmlOptions extends Pick<GraphStyleOptions, 'cluster' | 'subnetPrefix' | 'labels'> {
  /** Edges the graph keeps (by bytes, and as many REJECT edges by records beside them). @default 60 */
  graphTop?: number;
}

type Cell = string | { num: string };

function tableHtml(
  id: string,
  title: string,
  list: Ranked<unknown> | null,
  head: string[],
  rows: Cell[][],
  none: string,
): string {
  const shown =
    list !== null && list.top.length < list.total
      ? ` <small>top ${list.top.length} of ${formatCount(list.total)}</small>`
      : '';
  const th = head.map((h, i) => `<th${typeof rows[0]?.[i] === 'object' ? ' class="num"' : ''}>${escapeHtml(h)}</th>`);
  const body =
    rows.length === 0
      ? `<tr><td colspan="${head.length}">${escapeHtml(none)}</td></tr>`
      : rows
          .map(
            (r) =>
              `<tr>${r.map((c) => (typeof c === 'string' ? `<td>${escapeHtml(c)}</td>` : `<td class="num">${escapeHtml(c.num)}</td>`)).join('')}</tr>`,
          )
          .join('\n');
  return `<section id="${id}"><h2>${escapeHtml(title)}${shown}</h2><table><thead><tr>${th.join('')}</tr></thead><tbody>\n${body}\n</tbody></table></section>`;
}

/** The report's sections as HTML (escaped), to lead the page. */
export function reportSectionsHtml(r: Report): string {
  const n = (v: Count) => ({ num: formatCount(v) });
  const b = (v: Count) => ({ num: r.bytesSeen ? formatBytes(v) : '-' });
  const a = displayAddress;
  const parts: string[] = [];
  parts.push(
    tableHtml(
      'totals',
      'Totals',
      null,
      ['action', 'records', 'rows', 'packets', 'bytes'],
      [
        ...Object.entries(r.totals.actions).map(([k, x]) => [k, n(x.records), n(x.rows), n(x.packets), b(x.bytes)]),
        ['all', n(r.totals.records), n(r.totals.rows), n(r.totals.packets), b(r.totals.bytes)],
      ],
      'no rows',
    ),
  );
  const talkers = (id: string, title: string, list: Report['talkers'], peers: string) =>
    tableHtml(
      id,
      title,
      list,
      ['address', 'bytes', 'packets', 'records', peers],
      list.top.map((x) => [a(x.address), b(x.bytes), n(x.packets), n(x.records), n(x.peers)]),
      'no rows',
    );
  parts.push(talkers('talkers-by-bytes', 'Talkers: sources by bytes', r.talkers, 'destinations'));
  parts.push(talkers('listeners', 'Listeners: destinations by bytes', r.listeners, 'sources'));
  parts.push(
    tableHtml(
      'rejected-sources',
      'Rejected: sources by REJECT records',
      r.rejected.sources,
      ['address', 'records', 'bytes'],
      r.rejected.sources.top.map((x) => [a(x.address), n(x.records), b(x.bytes)]),
      'nothing was rejected',
    ),
  );
  parts.push(
    tableHtml(
      'rejected-ports',
      'Rejected: service ports by REJECT records',
      r.rejected.ports,
      ['service', 'records', 'bytes'],
      r.rejected.ports.top.map((x) => [portLabel(x.port, x.protocol), n(x.records), b(x.bytes)]),
      'nothing was rejected',
    ),
  );
  parts.push(
    tableHtml(
      'exposed',
      'Exposed: internal services that accepted external sources',
      r.exposed,
      ['address', 'service', 'sources', 'bytes', 'records'],
      r.exposed.top.map((x) => [a(x.address), portLabel(x.port, x.protocol), n(x.sources), b(x.bytes), n(x.records)]),
      'no ACCEPT from an external source to an internal port',
    ),
  );
  parts.push(
    tableHtml(
      'probes',
      'Probes: external sources by distinct (host, service port) targets',
      r.probes,
      ['address', 'targets', 'hosts', 'records', 'rejected'],
      r.probes.top.map((x) => [
        a(x.address),
        n(x.targets),
        n(x.hosts),
        n(x.records),
        { num: `${formatCount(x.rejected)} (${(x.rejectShare * 100).toFixed(1)}%)` },
      ]),
      'no external sources',
    ),
  );
  if (r.new !== null)
    parts.push(
      tableHtml(
        'new',
        `New since the baseline (${formatCount(r.new.baseline.rows)} rows), by bytes`,
        r.new,
        ['source', 'destination', 'service', 'bytes', 'records'],
        r.new.top.map((x) => [a(x.srcaddr), a(x.dstaddr), portLabel(x.port, x.protocol), b(x.bytes), n(x.records)]),
        'nothing new',
      ),
    );
  if (r.traffic !== null) {
    const tr = r.traffic;
    const shown = trafficColumns(tr.fields);
    parts.push(
      tableHtml(
        'traffic',
        `Traffic by ${tr.fields.join(', ')}, by bytes`,
        tr,
        [...shown.map(([, h]) => h), 'bytes', 'packets', 'records', 'rejected'],
        tr.top.map((x) => [
          ...shown.map(([, , f]) => f(x) ?? '-'),
          b(x.bytes),
          n(x.packets),
          n(x.records),
          n(x.rejected),
        ]),
        'no rows',
      ),
    );
  }
  return `<div id="lead">\n${parts.join('\n')}\n</div>`;
}

/** `report` of `digest` as one page: its tables, then the graph of the same (filtered) rows. */
export async function reportToHtml(report: Report, digest: Digest, options: ReportHtmlOptions = {}): Promise<string> {
  const f = report.filters;
  const view = applyView(digest, {
    ...(f.cidrs.length > 0 ? { cidrs: f.cidrs } : {}),
    ...(f.ports.length > 0 ? { ports: f.ports } : {}),
    ...(f.actions.length > 0 ? { actions: f.actions } : {}),
    top: options.graphTop ?? 60,
  });
  return renderHtmlAfter(view, { ...options, title: reportTitle(report) }, reportSectionsHtml(report));
}
