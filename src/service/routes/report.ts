/**
 * `GET /report` answers the report of a stored digest (JSON or the HTML page), with what is
 * new since a baseline window when one is named. Read scope; an audit event `report:read`.
 */
import type { FastifyInstance } from 'fastify';
import type { Digest } from '../../digest/digest.js';
import { InvalidOptionError } from '../../errors.js';
import { buildReport } from '../../report/model.js';
import type { ReportOptions } from '../../report/types.js';
import { audit } from '../audit-hooks.js';
import { HttpError } from '../errors.js';
import { COMMON, empty, querystring, scoped, security, windowProperties } from '../schemas.js';
import { type ServiceState, windowFromQuery } from '../state.js';
import { CONTENT_TYPES } from './digest.js';
import { sendRendered } from './encoding.js';
import { loadDigest, MISSING } from './render.js';

type Query = Record<string, unknown>;

const list = (description: string) => ({ type: 'string', description: `${description} Comma-separated.` });

const REPORT_QUERY = {
  ...windowProperties('start', 'stop'),
  ...windowProperties('baseline_start', 'baseline_stop', 'the baseline window (adds the `new` section)'),
  format: {
    type: 'string',
    enum: ['json', 'html'],
    default: 'json',
    description: 'json (the interface documented in docs/report.md) or html (the tables, then the graph).',
  },
  top: { type: 'integer', minimum: 1, maximum: 100_000, default: 10, description: 'Entries per list.' },
  internal: list('More ranges to treat as internal.'),
  cidr: list('Keep rows with an endpoint in one of these CIDR ranges.'),
  port: list('Keep rows whose source or destination port is one of these.'),
  action: { type: 'string', enum: ['ACCEPT', 'REJECT'], description: 'Keep rows with this action.' },
};

function items(query: Query, name: string): string[] | undefined {
  const v = query[name];
  if (typeof v !== 'string') return undefined;
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new HttpError(400, `${name} '${v.slice(0, 64)}' has an empty item`);
  return parts;
}

function reportOptions(q: Query): ReportOptions {
  const o: ReportOptions = {};
  if (typeof q.top === 'number') o.top = q.top;
  const cidrs = items(q, 'cidr');
  if (cidrs !== undefined) o.cidrs = cidrs;
  const internal = items(q, 'internal');
  if (internal !== undefined) o.internal = internal;
  const ports = items(q, 'port');
  if (ports !== undefined)
    o.ports = ports.map((p) => {
      if (!/^\d{1,5}$/.test(p) || Number(p) > 65535)
        throw new HttpError(400, `port '${p.slice(0, 32)}' must be an integer from 0 to 65535`);
      return Number(p);
    });
  if (typeof q.action === 'string') o.actions = [q.action];
  return o;
}

const PARAM_OF: Record<string, string> = { cidrs: 'cidr', ports: 'port', actions: 'action' };

export function reportRoutes(app: FastifyInstance, state: ServiceState): void {
  const read = security('read');
  app.route({
    method: 'GET',
    url: '/report',
    config: { name: 'report', scope: 'read' },
    schema: {
      operationId: 'getReport',
      summary: 'The report of a stored digest: totals, talkers, rejected, exposed, probes; new since a baseline.',
      description: `baseline_start and baseline_stop go together. ${read.note}`,
      security: read.security,
      querystring: querystring(REPORT_QUERY, ['start', 'stop']),
      response: scoped('read', {
        200: {
          description: 'The report.',
          content: {
            'application/json': { schema: { type: 'object', additionalProperties: true } },
            'text/html': { schema: { type: 'string' } },
          },
        },
        204: empty('A digest is being made: ask again later.'),
        400: COMMON[400],
        404: MISSING,
        500: COMMON[500],
        503: COMMON[503],
      }),
    },
    handler: async (request, reply) => {
      const q = request.query as Query;
      const w = windowFromQuery(state, q);
      if ((q.baseline_start === undefined) !== (q.baseline_stop === undefined))
        throw new HttpError(400, 'baseline_start and baseline_stop go together');
      const b =
        q.baseline_start === undefined
          ? undefined
          : windowFromQuery(state, q, { start: 'baseline_start', stop: 'baseline_stop' });
      const format = q.format as 'json' | 'html';
      const options = reportOptions(q);
      return state.renders.with(async () => {
        const digest = await loadDigest(state, w);
        const baseline: Digest | undefined = b === undefined ? undefined : await loadDigest(state, b);
        let report: ReturnType<typeof buildReport>;
        try {
          report = buildReport(digest, options, baseline);
        } catch (err) {
          if (!(err instanceof InvalidOptionError)) throw err;
          throw new HttpError(
            400,
            err.message.replace(/^options\.(\w+)(\[\d+\])?/, (_m, name: string) => PARAM_OF[name] ?? name),
          );
        }
        const body =
          format === 'json'
            ? (await import('../../report/json.js')).reportToJson(report)
            : await (await import('../../report/html.js')).reportToHtml(report, digest);
        return sendRendered(
          request,
          reply,
          format === 'json' ? 'application/json; charset=utf-8' : CONTENT_TYPES.html,
          async (out) => {
            out.write(body);
          },
          () =>
            audit(state, request, {
              type: 'report',
              action: 'read',
              status: 'success',
              payload: {
                id: w.id,
                start: w.start,
                stop: w.stop,
                format,
                ...(b === undefined ? {} : { baseline: b.id }),
              },
            }),
        );
      });
    },
  });
}
