/**
 * JSON schemas shared by the routes: ajv validates requests with them, fastify serializes
 * answers with them, and @fastify/swagger writes the OpenAPI document from them, so the
 * document and the checks cannot disagree.
 */
import type { Scope } from './auth/tokens.js';

type Obj = Record<string, unknown>;

/** Schemas added to the instance by `$id`, referenced as `{ $ref: 'Name#' }`. */
export const SHARED_SCHEMAS: Obj[] = [
  {
    $id: 'Error',
    type: 'object',
    required: ['message'],
    properties: { message: { type: 'string' }, request_id: { type: 'string' } },
  },
  {
    $id: 'DigestJob',
    type: 'object',
    required: ['id', 'start', 'stop'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid', description: 'The canonical ID of the window.' },
      start: { type: 'string', format: 'date-time' },
      stop: { type: 'string', format: 'date-time' },
    },
  },
  {
    $id: 'DigestStatus',
    type: 'object',
    required: ['id', 'start', 'stop', 'status'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      start: { type: 'string', format: 'date-time', description: 'Truncated to the minute, UTC.' },
      stop: { type: 'string', format: 'date-time' },
      status: { type: 'string', enum: ['queued', 'in_progress', 'complete', 'failed', 'absent'] },
      message: { type: 'string' },
      request_id: { type: 'string' },
    },
  },
  {
    $id: 'DigestMeta',
    type: 'object',
    required: ['id', 'start', 'stop', 'createdAt', 'seconds', 'rows', 'stats'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      start: { type: 'string', format: 'date-time' },
      stop: { type: 'string', format: 'date-time' },
      createdAt: { type: 'string', format: 'date-time' },
      seconds: { type: 'number' },
      rows: { type: 'integer' },
      stats: {
        type: 'object',
        additionalProperties: true,
        description:
          'objects, storedBytes, lines, records, digested, nodata, skipdata, malformed (with samples), filtered, bytesRead, skippedObjects, listingSkipped.',
      },
    },
  },
  {
    $id: 'Health',
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['ok', 'stopping'] },
      jobs_running: { type: 'integer' },
      jobs_queued: { type: 'integer' },
    },
  },
];

export const ref = (name: string): Obj => ({ $ref: `${name}#` });
export const json = (schema: Obj, description: string): Obj => ({
  description,
  content: { 'application/json': { schema } },
});
export const error = (description: string): Obj => json(ref('Error'), description);
export const empty = (description: string): Obj => ({ description, type: 'null' });
export const text = (types: string[], description: string): Obj => ({
  description,
  content: Object.fromEntries(types.map((t) => [t, { schema: { type: 'string' } }])),
});

const RETRY = { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait.' } };

export const COMMON = {
  400: error('A parameter, header or body is invalid; the message names it.'),
  500: error('Storage or markers failed; the message says which, and the log has the request ID.'),
  503: {
    ...error(
      'The service is stopping, busy, or its audit spool is full: see the message. Retry after `Retry-After` seconds.',
    ),
    headers: RETRY,
  },
};

/** The responses of a route that needs `scope` (when tokens are configured). */
export function scoped(scope: Scope, responses: Obj): Obj {
  return {
    ...responses,
    401: {
      ...error('Tokens are configured and the request has no valid `Authorization: Bearer` token.'),
      headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: '`Bearer`.' } },
    },
    403: error(`The token lacks the \`${scope}\` scope.`),
    429: {
      ...error('Too many failed authentications from this address: retry after `Retry-After` seconds.'),
      headers: RETRY,
    },
  };
}

/** The security requirement of a route needing a scope, and the note for its description. */
export function security(scope: Scope): { security: Record<string, string[]>[]; note: string } {
  return { security: [{ bearer: [] }], note: `Needs a token with the \`${scope}\` scope when tokens are configured.` };
}

/** A window's two times as query properties. */
export function windowProperties(start: string, stop: string, what = 'the window'): Obj {
  return {
    [start]: {
      type: 'string',
      format: 'date-time',
      description: `Start of ${what} (RFC 3339, any offset). Truncated to the minute, then validated.`,
      examples: ['2026-01-15T16:00:00Z'],
    },
    [stop]: {
      type: 'string',
      format: 'date-time',
      description: `End of ${what}, exclusive (RFC 3339). Truncated to the minute; after the start, at most the longest window after it, and closed (stop plus the delivery lag before now).`,
      examples: ['2026-01-15T17:00:00Z'],
    },
  };
}

/** A querystring schema: these properties and no others. */
export function querystring(properties: Obj, required: string[]): Obj {
  return { type: 'object', additionalProperties: false, required, properties };
}
