/**
 * `GET /graph` draws a stored digest (DOT or SVG, with the views of `flowdigest dot`);
 * `GET /diff` compares two stored digests (what vpcflow-grapherd and vpcflow-diffd did, on
 * the stored NDJSON: PREVIOUS is loaded as a compact table, NEXT streams).
 */
import { diffInputs } from '../../graph/diff.js';
import { writeDiff } from '../../graph/diff-output.js';
import { writeView } from '../../graph/graph.js';
import type { ClusterBy, GraphViewOptions } from '../../graph/types.js';
import { applyView } from '../../graph/views.js';
import { InvalidOptionError } from '../../errors.js';
import { HttpError, type RequestContext, type Route } from '../http.js';
import { type ServiceState, windowFromQuery } from '../state.js';
import { choice, CONTENT_TYPES } from './digest.js';
import { sendRendered } from './encoding.js';
import { loadDigest, openStored, SVG_MAX_EDGES } from './render.js';

function int(query: Map<string, string>, name: string, min: number, max: number): number | undefined {
  const v = query.get(name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw new HttpError(400, `${name} '${v.slice(0, 32)}' must be an integer from ${min} to ${max}`);
  return Number(v);
}

function bool(query: Map<string, string>, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1' || v === '') return true;
  if (v === 'false' || v === '0') return false;
  throw new HttpError(400, `${name} '${v.slice(0, 32)}' must be true or false`);
}

function items(query: Map<string, string>, name: string): string[] | undefined {
  const v = query.get(name);
  if (v === undefined) return undefined;
  const list = v.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new HttpError(400, `${name} '${v.slice(0, 64)}' has an empty item`);
  return list;
}

function viewOptions(query: Map<string, string>): GraphViewOptions & { cluster?: ClusterBy; subnetPrefix?: number; penwidth?: boolean } {
  const o: GraphViewOptions & { cluster?: ClusterBy; subnetPrefix?: number; penwidth?: boolean } = {};
  const top = int(query, 'top', 1, 1_000_000_000);
  if (top !== undefined) o.top = top;
  for (const [param, key] of [['cidr', 'cidrs'], ['account', 'accounts'], ['eni', 'enis'], ['internal', 'internal'], ['collapse', 'collapse']] as const) {
    const v = items(query, param);
    if (v !== undefined) o[key] = v;
  }
  const ports = items(query, 'port');
  if (ports !== undefined) {
    o.ports = ports.map((p) => {
      if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) throw new HttpError(400, `port '${p.slice(0, 32)}' must be an integer from 0 to 65535`);
      return Number(p);
    });
  }
  if (query.has('action')) o.actions = [choice(query, 'action', ['ACCEPT', 'REJECT'], 'ACCEPT')];
  const collapseExternal = bool(query, 'collapse_external');
  if (collapseExternal !== undefined) o.collapseExternal = collapseExternal;
  if (query.has('cluster')) o.cluster = choice(query, 'cluster', ['account', 'subnet'] as const, 'account');
  const prefix = int(query, 'subnet_prefix', 1, 32);
  if (prefix !== undefined) o.subnetPrefix = prefix;
  const penwidth = bool(query, 'penwidth');
  if (penwidth !== undefined) o.penwidth = penwidth;
  return o;
}

// The library names its options; the client named query parameters.
const PARAM_OF: Record<string, string> = { cidrs: 'cidr', accounts: 'account', enis: 'eni', ports: 'port', actions: 'action', collapseExternal: 'collapse_external', subnetPrefix: 'subnet_prefix' };

function asQueryError(err: unknown): unknown {
  if (!(err instanceof InvalidOptionError)) return err;
  const message = err.message.replace(/^options\.(\w+)(\[\d+\])?/, (_m, name: string) => PARAM_OF[name] ?? name);
  return new HttpError(400, message);
}

export function graphRoutes(state: ServiceState): Route[] {
  const graph = async (ctx: RequestContext): Promise<void> => {
    const w = windowFromQuery(state, ctx.query);
    const format = choice(ctx.query, 'format', ['dot', 'svg'] as const, 'dot');
    const options = viewOptions(ctx.query);
    await state.renders.with(async () => {
      const digest = await loadDigest(state, w);
      let view;
      try { view = applyView(digest, options); } catch (err) { throw asQueryError(err); }
      if (format === 'svg' && view.digest.size > SVG_MAX_EDGES) {
        throw new HttpError(400, `format svg: the view has ${view.digest.size} edges; SVG is rendered for at most ${SVG_MAX_EDGES} (add top=N or filters)`);
      }
      await sendRendered(ctx.req, ctx.res, CONTENT_TYPES[format], (out) => writeView(view, out, { ...options, format }));
    });
  };

  const diff = async (ctx: RequestContext): Promise<void> => {
    const previous = windowFromQuery(state, ctx.query, { start: 'previous_start', stop: 'previous_stop' });
    const next = windowFromQuery(state, ctx.query, { start: 'next_start', stop: 'next_stop' });
    const format = choice(ctx.query, 'format', ['dot', 'svg', 'text', 'ndjson'] as const, 'dot');
    const changed = bool(ctx.query, 'changed') ?? false;
    await state.renders.with(async () => {
      const prevBody = await openStored(state, previous, 'previous');
      let nextBody;
      try {
        nextBody = await openStored(state, next, 'next');
      } catch (err) {
        prevBody.destroy();
        throw err;
      }
      try {
        const result = await diffInputs(prevBody, nextBody, { changed });
        const edges = result.added.size + result.removed.size + result.changed.size;
        if (format === 'svg' && edges > SVG_MAX_EDGES) {
          throw new HttpError(400, `format svg: the diff has ${edges} edges; SVG is rendered for at most ${SVG_MAX_EDGES} (use dot, text or ndjson)`);
        }
        const type = format === 'text' ? CONTENT_TYPES.text : CONTENT_TYPES[format];
        await sendRendered(ctx.req, ctx.res, type, (out) => writeDiff(result, out, format));
      } finally {
        prevBody.destroy();
        nextBody.destroy();
      }
    });
  };

  return [
    { name: 'graph', method: 'GET', path: '/graph', auth: true, handle: graph },
    { name: 'diff', method: 'GET', path: '/diff', auth: true, handle: diff },
  ];
}
