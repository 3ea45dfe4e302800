/**
 * `GET /graph` draws a stored digest (DOT or SVG, with the views of `flowdigest dot`);
 * `GET /diff` compares two stored digests (what vpcflow-grapherd and vpcflow-diffd did, on
 * the stored NDJSON: PREVIOUS is loaded as a compact table, NEXT streams).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { diffInputs } from '../../graph/diff.js';
import { FormatError } from '../../errors.js';
import { writeDiff } from '../../graph/diff-output.js';
import { writeView } from '../../graph/graph.js';
import type { ClusterBy, GraphView, GraphViewOptions } from '../../graph/types.js';
import { applyView } from '../../graph/views.js';
import { InvalidOptionError, optionMessage } from '../../errors.js';
import { GRAPH_VIEW_OPTIONS, queryParamOf } from '../../graph/options.js';
import { jsonSchemaOf, type OptionSpec } from '../../util/option-schema.js';
import { parseCommaList } from '../../util/parse.js';
import { audit } from '../audit-hooks.js';
import { HttpError } from '../errors.js';
import { COMMON, empty, error, json, querystring, ref, scoped, security, windowProperties } from '../schemas.js';
import { type ServiceState, windowFromQuery } from '../state.js';
import { CONTENT_TYPES } from './digest.js';
import { sendRendered } from './encoding.js';
import { loadDigest, MISSING, openStored, SVG_MAX_EDGES } from './render.js';

type Query = Record<string, unknown>;
type ViewOptions = GraphViewOptions & { cluster?: ClusterBy; subnetPrefix?: number; penwidth?: boolean };

/**
 * The view parameters of /graph, from the view options `flowdigest dot` has too; ajv checks
 * ranges and choices, viewOptions the lists.
 */
const GRAPH_VIEW = Object.fromEntries(
  (Object.keys(GRAPH_VIEW_OPTIONS) as (keyof typeof GRAPH_VIEW_OPTIONS)[]).map((key) => {
    const spec: OptionSpec = GRAPH_VIEW_OPTIONS[key];
    const text = `${spec.help.replace(/\s*\n\s*/g, ' ')}${spec.type === 'list' ? '; comma-separated' : ''}.`;
    return [queryParamOf(key), jsonSchemaOf(spec, text)];
  }),
);

const GRAPH_CONTENT = {
  'text/vnd.graphviz': { schema: { type: 'string' } },
  'image/svg+xml': { schema: { type: 'string' } },
  'text/html': { schema: { type: 'string' } },
};

function items(query: Query, name: string): string[] | undefined {
  const v = query[name];
  if (typeof v !== 'string') return undefined;
  try {
    return parseCommaList(name, v);
  } catch (err) {
    throw asQueryError(err);
  }
}

function viewOptions(query: Query): ViewOptions {
  const o: ViewOptions = {};
  if (typeof query.top === 'number') o.top = query.top;
  if (typeof query.top_rejected === 'number') o.topRejected = query.top_rejected;
  for (const [param, key] of [
    ['cidr', 'cidrs'],
    ['account', 'accounts'],
    ['eni', 'enis'],
    ['internal', 'internal'],
    ['collapse', 'collapse'],
  ] as const) {
    const v = items(query, param);
    if (v !== undefined) o[key] = v;
  }
  const ports = items(query, 'port');
  if (ports !== undefined) {
    o.ports = ports.map((p) => {
      if (!/^\d{1,5}$/.test(p) || Number(p) > 65535)
        throw new HttpError(400, `port '${p.slice(0, 32)}' must be an integer from 0 to 65535`);
      return Number(p);
    });
  }
  if (typeof query.action === 'string') o.actions = [query.action as 'ACCEPT' | 'REJECT'];
  if (typeof query.collapse_external === 'boolean') o.collapseExternal = query.collapse_external;
  if (typeof query.cluster === 'string') o.cluster = query.cluster as ClusterBy;
  if (typeof query.subnet_prefix === 'number') o.subnetPrefix = query.subnet_prefix;
  if (typeof query.penwidth === 'boolean') o.penwidth = query.penwidth;
  return o;
}

// The library names its options (`options.cidrs`); the client named query parameters (`cidr`):
// the same fault under the parameter's name.
function asQueryError(err: unknown): unknown {
  if (!(err instanceof InvalidOptionError)) return err;
  const key = err.option.startsWith('options.') ? err.option.slice('options.'.length) : err.option;
  const param = key in GRAPH_VIEW_OPTIONS ? queryParamOf(key as keyof typeof GRAPH_VIEW_OPTIONS) : key;
  return new HttpError(400, optionMessage(param, err.reason, err.value));
}

export function graphRoutes(app: FastifyInstance, state: ServiceState): void {
  const read = security('read');

  app.route({
    method: 'GET',
    url: '/graph',
    config: { name: 'graph', scope: 'read' },
    schema: {
      operationId: 'getGraph',
      summary: 'A stored digest as a DOT or SVG graph, with views (filters, collapsing, top N).',
      description: `SVG is rendered in-process and limited to ${SVG_MAX_EDGES} edges: narrow larger graphs with top or filters. ${read.note}`,
      security: read.security,
      querystring: querystring(
        {
          ...windowProperties('start', 'stop'),
          format: {
            type: 'string',
            enum: ['dot', 'svg', 'html'],
            default: 'dot',
            description:
              'Graph format: DOT, SVG, or a self-contained HTML page (the SVG with pan, zoom, search and edge details).',
          },
          ...GRAPH_VIEW,
        },
        ['start', 'stop'],
      ),
      response: scoped('read', {
        200: { description: 'The graph.', content: GRAPH_CONTENT },
        204: empty('The digest is being made: ask again later.'),
        400: COMMON[400],
        404: MISSING,
        500: COMMON[500],
        503: COMMON[503],
      }),
    },
    handler: async (request, reply) => {
      const q = request.query as Query;
      const w = windowFromQuery(state, q);
      const format = q.format as 'dot' | 'svg' | 'html';
      const options = viewOptions(q);
      return state.renders.with(async () => {
        const digest = await loadDigest(state, w);
        let view: GraphView;
        try {
          view = applyView(digest, options);
        } catch (err) {
          throw asQueryError(err);
        }
        if (format !== 'dot' && view.digest.size > SVG_MAX_EDGES) {
          throw new HttpError(
            400,
            `format ${format}: the view has ${view.digest.size} edges; SVG is rendered for at most ${SVG_MAX_EDGES} (add top=N or filters)`,
          );
        }
        return sendRendered(
          request,
          reply,
          CONTENT_TYPES[format],
          (out) => writeView(view, out, { ...options, format }),
          () =>
            audit(state, request, {
              type: 'graph',
              action: 'read',
              status: 'success',
              payload: { id: w.id, start: w.start, stop: w.stop, format },
            }),
        );
      });
    },
  });

  app.route({
    method: 'GET',
    url: '/diff',
    config: { name: 'diff', scope: 'read' },
    schema: {
      operationId: 'getDiff',
      summary: 'Edges added, removed (and changed) between two stored digests.',
      description: read.note,
      security: read.security,
      querystring: querystring(
        {
          ...windowProperties('previous_start', 'previous_stop', 'the previous window'),
          ...windowProperties('next_start', 'next_stop', 'the next window'),
          format: {
            type: 'string',
            enum: ['dot', 'svg', 'html', 'text', 'ndjson'],
            default: 'dot',
            description:
              'dot, svg or html (edges marked govpc_diff; html: the SVG in a self-contained page), text (- + ~ lines) or ndjson.',
          },
          changed: {
            type: 'boolean',
            default: false,
            description: 'Also list edges in both whose packets, bytes, start or end differ.',
          },
        },
        ['previous_start', 'previous_stop', 'next_start', 'next_stop'],
      ),
      response: scoped('read', {
        200: {
          description: 'The diff.',
          content: {
            ...GRAPH_CONTENT,
            'text/plain': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
          },
        },
        204: empty('One of the digests is being made: ask again later.'),
        400: COMMON[400],
        404: json(
          ref('DigestStatus'),
          'One of the digests is not stored; the message names which window (`previous` or `next`).',
        ),
        409: error('The two digests were made under different keys (`serve --key` changed); the message names both.'),
        500: COMMON[500],
        503: COMMON[503],
      }),
    },
    handler: async (request, reply) => {
      const q = request.query as Query;
      const previous = windowFromQuery(state, q, { start: 'previous_start', stop: 'previous_stop' });
      const next = windowFromQuery(state, q, { start: 'next_start', stop: 'next_stop' });
      const format = q.format as 'dot' | 'svg' | 'html' | 'text' | 'ndjson';
      const changed = q.changed === true;
      return state.renders.with(async () => {
        const prevBody = await openStored(state, previous, 'previous');
        let nextBody: Readable;
        try {
          nextBody = await openStored(state, next, 'next');
        } catch (err) {
          prevBody.destroy();
          throw err;
        }
        try {
          const result = await diffInputs(prevBody, nextBody, { changed }).catch((err: unknown) => {
            // Two windows stored under different keys (serve --key changed between them).
            if (err instanceof FormatError) throw new HttpError(409, err.message);
            throw err;
          });
          const edges = result.added.size + result.removed.size + result.changed.size;
          if ((format === 'svg' || format === 'html') && edges > SVG_MAX_EDGES) {
            throw new HttpError(
              400,
              `format ${format}: the diff has ${edges} edges; SVG is rendered for at most ${SVG_MAX_EDGES} (use dot, text or ndjson)`,
            );
          }
          const type = format === 'text' ? CONTENT_TYPES.text : CONTENT_TYPES[format];
          return await sendRendered(
            request,
            reply,
            type,
            (out) => writeDiff(result, out, format),
            () =>
              audit(state, request, {
                type: 'diff',
                action: 'read',
                status: 'success',
                payload: { previous: previous.id, next: next.id, format },
              }),
          );
        } finally {
          prevBody.destroy();
          nextBody.destroy();
        }
      });
    },
  });
}
