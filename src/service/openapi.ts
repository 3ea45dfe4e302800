/**
 * The API, described once: OpenAPI 3.0 as an object. The router takes each operation's query
 * parameters from here (an undocumented parameter is a 400), the service serves it as
 * /openapi.yaml, and `npm run api:yaml` writes src/service/api.yaml from it; a test checks that
 * file against this object and every documented status against the live server.
 */
import { toYaml } from './yaml.js';

type Obj = Record<string, unknown>;

const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Obj, description: string): Obj => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): Obj => json(ref('Error'), description);
const time = (name: string, description: string, required = true): Obj => ({
  name, in: 'query', required, description, schema: { type: 'string', format: 'date-time' }, example: name.includes('start') ? '2026-01-15T16:00:00Z' : '2026-01-15T17:00:00Z',
});
const query = (name: string, description: string, schema: Obj): Obj => ({ name, in: 'query', required: false, description, schema });
const list = (name: string, description: string): Obj => query(name, `${description} Comma-separated.`, { type: 'string' });

const WINDOW = [
  time('start', 'Start of the window (RFC 3339, any offset). Truncated to the minute, then validated.'),
  time('stop', 'End of the window, exclusive (RFC 3339). Truncated to the minute; must be after start, at most the longest window after it.'),
];

const COMMON = {
  '400': error('A parameter, header or body is invalid; the message names it.'),
  '401': error('A token is configured and the request has no valid `Authorization: Bearer` header.'),
  '503': { ...error('The service is shutting down, or busy: see the message. Retry after `Retry-After` seconds.'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } } },
  '500': error('Storage or markers failed; the message says which, and the log has the request ID.'),
};

const inProgress = { description: 'The digest is being made: ask again later.' };
const missing = json(ref('DigestStatus'), 'Never requested (`absent`), or its job failed (`failed`, with the reason): POST to make it.');

const GRAPH_VIEW = [
  query('top', 'Keep the N edges with the most bytes.', { type: 'integer', minimum: 1 }),
  list('cidr', 'Keep edges with an endpoint in one of these CIDR ranges.'),
  list('account', 'Keep edges of these account IDs.'),
  list('eni', 'Keep edges of these interface IDs.'),
  list('port', 'Keep edges whose source or destination port is one of these.'),
  query('action', 'Keep edges with this action.', { type: 'string', enum: ['ACCEPT', 'REJECT'] }),
  query('collapse_external', 'Fold addresses outside the private ranges (and `internal`) into one node, internet.', { type: 'boolean', default: false }),
  list('internal', 'More ranges to treat as internal.'),
  list('collapse', 'Fold each range\'s addresses into one node named after it.'),
  query('cluster', 'Box internal nodes by account or subnet.', { type: 'string', enum: ['account', 'subnet'] }),
  query('subnet_prefix', 'IPv4 prefix length of a subnet cluster.', { type: 'integer', minimum: 1, maximum: 32, default: 24 }),
  query('penwidth', 'Scale edge width with bytes.', { type: 'boolean', default: true }),
];

const GRAPH_CONTENT = {
  'text/vnd.graphviz': { schema: { type: 'string' } },
  'image/svg+xml': { schema: { type: 'string' } },
};

/** The OpenAPI document. */
export const OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'flowdigest service',
    version: '1',
    description: [
      'Creates, stores and serves digests of AWS VPC flow logs for time windows; compatible with vpcflow-digesterd.',
      'A window is two RFC 3339 times, truncated to the minute before they are checked. Its ID is a UUIDv5 of the UTC instants,',
      'so one window written with different offsets is one digest. Any other method on a path answers 405 with Allow;',
      'any other path answers 404. A request that takes longer than the request timeout to arrive answers 408.',
      'Every response carries X-Request-Id (the request\'s own, when it sends a valid one).',
    ].join('\n'),
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Only when the service is started with FLOWDIGEST_TOKEN.' } },
    schemas: {
      Error: {
        type: 'object', required: ['message'],
        properties: { message: { type: 'string' }, request_id: { type: 'string' } },
      },
      DigestJob: {
        type: 'object', required: ['id', 'start', 'stop'], additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid', description: 'The canonical ID of the window.' },
          start: { type: 'string', format: 'date-time' },
          stop: { type: 'string', format: 'date-time' },
        },
      },
      DigestStatus: {
        type: 'object', required: ['id', 'start', 'stop', 'status'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          start: { type: 'string', format: 'date-time', description: 'Truncated to the minute, UTC.' },
          stop: { type: 'string', format: 'date-time' },
          status: { type: 'string', enum: ['queued', 'in_progress', 'complete', 'failed', 'absent'] },
          message: { type: 'string' },
        },
      },
      DigestMeta: {
        type: 'object', required: ['id', 'start', 'stop', 'createdAt', 'seconds', 'rows', 'stats'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          start: { type: 'string', format: 'date-time' },
          stop: { type: 'string', format: 'date-time' },
          createdAt: { type: 'string', format: 'date-time' },
          seconds: { type: 'number' },
          rows: { type: 'integer' },
          stats: {
            type: 'object',
            description: 'objects, storedBytes, lines, records, digested, nodata, skipdata, malformed (with samples), filtered, bytesRead, skippedObjects, listingSkipped.',
            additionalProperties: true,
          },
        },
      },
      Health: {
        type: 'object', required: ['status'],
        properties: { status: { type: 'string', enum: ['ok', 'stopping'] }, jobs_running: { type: 'integer' }, jobs_queued: { type: 'integer' } },
      },
    },
  },
  security: [{}, { bearer: [] }],
  paths: {
    '/': {
      get: {
        operationId: 'getDigest',
        summary: 'Fetch the digest of a window.',
        description: 'The text digest is stored gzip-compressed and sent with `Content-Encoding: gzip` when Accept-Encoding allows it, inflated otherwise; NDJSON likewise.',
        parameters: [
          ...WINDOW,
          query('format', 'text (a v2 flow-log file), ndjson (rows with record counts, then stats), dot or svg (a graph), stats (metadata and statistics).', { type: 'string', enum: ['text', 'ndjson', 'dot', 'svg', 'stats'], default: 'text' }),
        ],
        responses: {
          '200': {
            description: 'The digest.',
            content: {
              'text/plain': { schema: { type: 'string' } },
              'application/x-ndjson': { schema: { type: 'string' } },
              ...GRAPH_CONTENT,
              'application/json': { schema: ref('DigestMeta') },
            },
          },
          '204': inProgress,
          '400': COMMON['400'],
          '401': COMMON['401'],
          '404': missing,
          '500': COMMON['500'],
          '503': COMMON['503'],
        },
      },
      post: {
        operationId: 'createDigest',
        summary: 'Queue the digest of a window.',
        description: 'The in-progress marker is written before the job is queued. A marker not refreshed within DIGEST_PROGRESS_TIMEOUT, or a failed job, is queued again.',
        parameters: WINDOW,
        responses: {
          '202': json(ref('DigestStatus'), 'Queued (`queued`).'),
          '400': COMMON['400'],
          '401': COMMON['401'],
          '409': json(ref('DigestStatus'), 'Already stored (`complete`) or in progress (`in_progress`).'),
          '500': COMMON['500'],
          '502': error('The queue (STREAM_APPLIANCE_ENDPOINT) could not be reached or refused the job.'),
          '503': COMMON['503'],
        },
      },
    },
    '/graph': {
      get: {
        operationId: 'getGraph',
        summary: 'A stored digest as a DOT or SVG graph, with views (filters, collapsing, top N).',
        description: 'SVG is rendered in-process and limited to 2000 edges: narrow larger graphs with top or filters.',
        parameters: [...WINDOW, query('format', 'Graph format.', { type: 'string', enum: ['dot', 'svg'], default: 'dot' }), ...GRAPH_VIEW],
        responses: {
          '200': { description: 'The graph.', content: GRAPH_CONTENT },
          '204': inProgress,
          '400': COMMON['400'],
          '401': COMMON['401'],
          '404': missing,
          '500': COMMON['500'],
          '503': COMMON['503'],
        },
      },
    },
    '/diff': {
      get: {
        operationId: 'getDiff',
        summary: 'Edges added, removed (and changed) between two stored digests.',
        parameters: [
          time('previous_start', 'Start of the previous window.'),
          time('previous_stop', 'End of the previous window.'),
          time('next_start', 'Start of the next window.'),
          time('next_stop', 'End of the next window.'),
          query('format', 'dot or svg (edges marked govpc_diff), text (- + ~ lines) or ndjson.', { type: 'string', enum: ['dot', 'svg', 'text', 'ndjson'], default: 'dot' }),
          query('changed', 'Also list edges in both whose packets, bytes, start or end differ.', { type: 'boolean', default: false }),
        ],
        responses: {
          '200': {
            description: 'The diff.',
            content: { ...GRAPH_CONTENT, 'text/plain': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
          },
          '204': { description: 'One of the digests is being made: ask again later.' },
          '400': COMMON['400'],
          '401': COMMON['401'],
          '404': json(ref('DigestStatus'), 'One of the digests is not stored; the status names which window (`previous_*` or `next_*` in the message).'),
          '500': COMMON['500'],
          '503': COMMON['503'],
        },
      },
    },
    '/{topic}/{event}': {
      post: {
        operationId: 'runDigestJob',
        summary: 'The worker: digest exactly the window of the job, store it, clear its marker.',
        description: [
          'Records whose end is in [start, stop) are digested. Posted by the queue (an event bus, or this service itself).',
          'With `Prefer: respond-async` it answers 202 once the job is accepted; otherwise 204 once the digest is stored.',
          'A job whose digest is already stored answers at once.',
        ].join('\n'),
        parameters: [
          { name: 'topic', in: 'path', required: true, description: 'Queue topic (any name of letters, digits, . _ ~ -).', schema: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,128}$' } },
          { name: 'event', in: 'path', required: true, description: 'Event name (same rule).', schema: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,128}$' } },
          { name: 'Prefer', in: 'header', required: false, description: '`respond-async` to be answered once the job is accepted.', schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: ref('DigestJob') } } },
        responses: {
          '202': json(ref('DigestStatus'), 'Accepted (with `Prefer: respond-async`).'),
          '204': { description: 'The digest is stored.' },
          '400': COMMON['400'],
          '401': COMMON['401'],
          '413': error('The body is larger than the limit (16 KiB by default).'),
          '415': error('The body is not application/json.'),
          '500': error('The job failed; the message says why. Its marker says failed until a new POST queues it again.'),
          '503': COMMON['503'],
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Liveness; 503 once shutting down. Needs no token.',
        security: [],
        responses: {
          '200': json(ref('Health'), 'Serving.'),
          '503': json(ref('Health'), 'Shutting down.'),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics: requests by route and status, jobs, digest seconds, bytes and records, pool utilization.',
        responses: {
          '200': { description: 'Prometheus text format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': COMMON['401'],
          '503': COMMON['503'],
        },
      },
    },
    '/openapi.yaml': {
      get: {
        operationId: 'openapi',
        summary: 'This document. Needs no token.',
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3.0 YAML.', content: { 'application/yaml': { schema: { type: 'string' } } } },
          '503': COMMON['503'],
        },
      },
    },
  },
} as const;

/** The query parameters documented for `method path`. */
export function queryParameters(path: string, method: string): string[] {
  const op = (OPENAPI.paths as Obj)[path] as Obj | undefined;
  const params = ((op?.[method.toLowerCase()] as Obj | undefined)?.parameters ?? []) as Obj[];
  return params.filter((p) => p.in === 'query').map((p) => p.name as string);
}

/** The document as YAML (what src/service/api.yaml holds). */
export function openapiYaml(): string {
  return `# Generated from src/service/openapi.ts by \`npm run api:yaml\`; test/service-openapi.test.ts keeps them equal.\n${toYaml(OPENAPI)}`;
}
