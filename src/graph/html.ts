/**
 * The HTML view: one self-contained page that works offline. It holds the SVG (rendered
 * in-process by the wasm Graphviz), svg-pan-zoom inlined from node_modules, the edge data as
 * JSON, and a small script: pan and zoom, a search box that highlights addresses, a click on an
 * edge shows its fields, a top-talkers table beside the graph.
 *
 * Everything from data is escaped: in the SVG by Graphviz, in the page by {@link escapeHtml},
 * in the JSON by {@link jsonForScript}; the script writes it with textContent only. A Content
 * Security Policy allows only the page's own scripts (by hash) and no network access, so even
 * markup that slipped through could neither run nor call out.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DigestRow } from '../digest/digest.js';
import { InvalidOptionError } from '../errors.js';
import { diffModel } from './diff-model.js';
import { unescapeQuoted } from './escape.js';
import { modelToDot } from './model-output.js';
import { APP_CSS, APP_SCRIPT } from './html-app.js';
import { LEGEND_NODE } from './look.js';
import { displayAddress, formatBytes, formatBytesDelta, formatCount, formatFlows, serviceLabel } from './labels.js';
import { type Attr, type GraphModel, isCluster, type NodeSpec, resolveStyle, viewModel } from './model.js';
import { renderSvg } from './svg.js';
import type { DigestDiff, GraphStyleOptions, GraphView } from './types.js';

/** Options of the HTML view, besides the style. */
export interface HtmlOptions {
  /** Page title (shown in the header). @default 'flowdigest graph' or 'flowdigest diff' */
  title?: string;
  /** Rows of the top-talkers table. @default 25 */
  talkers?: number;
}

/** One edge of the page's data: its endpoints, its label, and every `govpc_*` field. */
interface EdgeData {
  id: string;
  src: string;
  dst: string;
  label: string;
  fields: Record<string, string>;
}

interface NodeData {
  id: string;
  name: string;
  shown: string;
}

/** A conversation of the talkers table: a source and destination, summed over ports. */
interface Talker {
  src: string;
  dst: string;
  action: string;
  kind: string;
  bytes: bigint;
  delta: bigint | null;
  flows: number;
  services: Set<string>;
  edges: string[];
}

/** Text as HTML text or attribute value: `&`, `<`, `>`, `"`, `'` as entities. */
export function escapeHtml(raw: string): string {
  return raw.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes (no
 * `</script>` or `<!--` can appear), and U+2028/U+2029 too (line breaks to old JS parsers).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

let panZoom: string | null = null;

/** svg-pan-zoom's browser build, read from node_modules once. */
function panZoomScript(): string {
  if (panZoom === null) {
    const file = createRequire(import.meta.url).resolve('svg-pan-zoom/dist/svg-pan-zoom.min.js');
    // A `</script` or `<!--` in the code would end or bend the inline script: neither is in 3.6.2.
    panZoom = readFileSync(file, 'utf8')
      .replace(/<\/(script)/gi, '<\\/$1')
      .replace(/<!--/g, '<\\!--');
  }
  return panZoom;
}

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * `model` with `id` attributes on nodes (`n0`...) and edges (`e0`...), which Graphviz puts on
 * the SVG groups, and the data the page needs for each.
 */
function withIds(
  model: GraphModel,
  kindOf: (attrs: readonly Attr[]) => string,
): { model: GraphModel; nodes: NodeData[]; edges: EdgeData[]; rows: [DigestRow, string][] } {
  const nodes: NodeData[] = [];
  const mark = (n: NodeSpec): NodeSpec => {
    if (n.id === LEGEND_NODE) return n;
    const id = `n${nodes.length}`;
    const name = unescapeQuoted(n.id);
    nodes.push({ id, name, shown: displayAddress(name) });
    return { id: n.id, attrs: [...n.attrs, ['id', id]] };
  };
  const roots = model.roots.map((item) => (isCluster(item) ? { ...item, nodes: item.nodes.map(mark) } : mark(item)));
  const edges: EdgeData[] = [];
  const rows: [DigestRow, string][] = [];
  let i = 0;
  const groups = model.edges.map((g) => ({
    digest: g.digest,
    *edges() {
      for (const [row, attrs] of g.edges()) {
        const id = `e${i++}`;
        const fields: Record<string, string> = {};
        for (const [k, v] of attrs) if (k.startsWith('govpc_')) fields[k] = unescapeQuoted(v);
        const label = attrs.find(([k]) => k === 'label')?.[1];
        edges.push({
          id,
          src: row.srcAddr,
          dst: row.dstAddr,
          label: label === undefined || label.charCodeAt(0) === 0 ? '' : unescapeQuoted(label),
          fields,
        });
        rows.push([row, kindOf(attrs)]);
        yield [row, [...attrs, ['id', id]] as Attr[]] as const;
      }
    },
  }));
  return { model: { ...model, roots, edges: groups }, nodes, edges, rows };
}

function talkers(rows: [DigestRow, string][], edges: EdgeData[], limit: number): Talker[] {
  const byPair = new Map<string, Talker>();
  rows.forEach(([r, kind], i) => {
    const key = `${kind}\0${r.srcAddr}\0${r.dstAddr}\0${r.action}`;
    let t = byPair.get(key);
    if (t === undefined) {
      t = {
        src: r.srcAddr,
        dst: r.dstAddr,
        action: r.action,
        kind,
        bytes: 0n,
        delta: null,
        flows: 0,
        services: new Set(),
        edges: [],
      };
      byPair.set(key, t);
    }
    t.bytes += r.bytes;
    t.flows += r.records;
    t.services.add(serviceLabel(r.protocol, r.srcPort, r.dstPort));
    t.edges.push(edges[i].id);
    const d = edges[i].fields.govpc_bytesDelta;
    if (d !== undefined && /^[+-]?\d+$/.test(d)) t.delta = (t.delta ?? 0n) + BigInt(d);
  });
  return [...byPair.values()].sort((a, b) => (a.bytes === b.bytes ? 0 : a.bytes > b.bytes ? -1 : 1)).slice(0, limit);
}

function talkersTable(list: Talker[], diff: boolean, bytesSeen: boolean): string {
  const head = `<tr>${diff ? '<th>change</th>' : ''}<th>from</th><th>to</th><th>action</th><th>service</th><th class="num">bytes</th><th class="num">flows</th></tr>`;
  const body = list
    .map((t) => {
      const services = [...t.services].sort();
      const bytes = bytesSeen
        ? formatBytes(t.bytes) + (t.delta === null ? '' : ` (${formatBytesDelta(t.delta)})`)
        : '-';
      return (
        `<tr data-edges="${t.edges.join(' ')}">${diff ? `<td class="kind ${escapeHtml(t.kind.toLowerCase())}">${escapeHtml(t.kind.toLowerCase())}</td>` : ''}` +
        `<td>${escapeHtml(displayAddress(t.src))}</td><td>${escapeHtml(displayAddress(t.dst))}</td>` +
        `<td class="action${t.action === 'REJECT' ? ' reject' : ''}">${escapeHtml(t.action)}</td>` +
        `<td class="svc">${escapeHtml(services.slice(0, 3).join(', ') + (services.length > 3 ? ` +${services.length - 3}` : ''))}</td>` +
        `<td class="num">${escapeHtml(bytes)}</td><td class="num">${escapeHtml(formatCount(t.flows))}</td></tr>`
      );
    })
    .join('\n');
  return `<table id="talkers"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

async function page(
  model: GraphModel,
  style: GraphStyleOptions,
  o: HtmlOptions & { diff: boolean; bytesSeen: boolean; summary: string; lead?: string },
): Promise<string> {
  const limit = o.talkers ?? 25;
  if (!Number.isInteger(limit) || limit < 0)
    throw new InvalidOptionError('options.talkers', 'must be a non-negative integer');
  if (o.title !== undefined && typeof o.title !== 'string')
    throw new InvalidOptionError('options.title', 'must be a string');
  const marked = withIds(model, (attrs) => attrs.find(([k]) => k === 'govpc_diff')?.[1] ?? '');
  const svg = await renderSvg(modelToDot(marked.model, resolveStyle(style).writer));
  // Drop the XML prolog, DOCTYPE and generator comments before <svg: HTML does not want them.
  const inline = svg.slice(svg.indexOf('<svg'));
  const title = o.title ?? (o.diff ? 'flowdigest diff' : 'flowdigest graph');
  const data = jsonForScript({ nodes: marked.nodes, edges: marked.edges });
  const scripts = [panZoomScript(), APP_SCRIPT];
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src ${scripts.map(cspHash).join(' ')}`;
  const table = talkersTable(talkers(marked.rows, marked.edges, limit), o.diff, o.bytesSeen);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="flowdigest">
<title>${escapeHtml(title)}</title>
<style>${APP_CSS}</style>
</head>
<body${o.lead === undefined ? '' : ' class="with-lead"'}>
<header>
<h1>${escapeHtml(title)}</h1>
<span class="summary">${escapeHtml(o.summary)}</span>
<input id="search" type="search" placeholder="Search an address" autocomplete="off" spellcheck="false" aria-label="Search nodes">
<span id="hits" aria-live="polite"></span>
</header>
${o.lead ?? ''}
<main>
<div id="graph">
${inline}
</div>
<aside>
<section id="details">
<h2>Edge</h2>
<p id="hint">Click an edge to see all its fields.</p>
<table id="fields"></table>
</section>
<section>
<h2>Top talkers</h2>
${table}
</section>
</aside>
</main>
<script type="application/json" id="flowdigest-data">${data}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}

/**
 * A view made by {@link applyView} as one self-contained HTML page (see the module comment).
 * Layout runs in-process: big views take seconds (svg.ts); narrow them with `top` or filters.
 */
export async function renderHtml(view: GraphView, options: GraphStyleOptions & HtmlOptions = {}): Promise<string> {
  return renderHtmlAfter(view, options);
}

/**
 * @internal {@link renderHtml} with `lead`, markup already escaped by its maker (the report's
 * tables), between the header and the graph; the page then scrolls and the graph gets a fixed height.
 */
export async function renderHtmlAfter(
  view: GraphView,
  options: GraphStyleOptions & HtmlOptions = {},
  lead?: string,
): Promise<string> {
  const d = view.digest;
  let bytes = 0n,
    flows = 0;
  for (const r of d.rows()) {
    bytes += r.bytes;
    flows += r.records;
  }
  const summary = `${formatCount(d.size)} edges · ${d.stats.bytesSeen ? `${formatBytes(bytes)} · ` : ''}${formatFlows(flows)}`;
  return page(viewModel(view, options), options, {
    ...options,
    diff: false,
    bytesSeen: d.stats.bytesSeen,
    summary,
    lead,
  });
}

/** A diff as one self-contained HTML page: added, removed and changed edges, and the biggest of them in the table. */
export async function renderDiffHtml(diff: DigestDiff, options: GraphStyleOptions & HtmlOptions = {}): Promise<string> {
  const changed = diff.changed.size > 0 ? ` · ${formatCount(diff.changed.size)} changed` : '';
  const summary = `${formatCount(diff.added.size)} added · ${formatCount(diff.removed.size)} removed${changed} · ${formatCount(diff.common)} in both`;
  const bytesSeen = diff.added.stats.bytesSeen || diff.removed.stats.bytesSeen;
  return page(diffModel(diff, options), options, { ...options, diff: true, bytesSeen, summary });
}
