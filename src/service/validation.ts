/** Messages for requests fastify refused (ajv validation, body limits, media types), in the words of the parameter at fault. */
import type { FastifyError, FastifyRequest } from 'fastify';
import { suggest } from '../util/suggest.js';
import { publicMessage } from './errors.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The client's message for an error: validation errors in the words of the parameter at fault. */
export function describeError(err: FastifyError, status: number, request: FastifyRequest, bodyLimit: number): string {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return `the body is larger than ${bodyLimit} bytes`;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return `Content-Type '${String(request.headers['content-type']).slice(0, 64)}' is not application/json`;
  const first = (err.validation as AjvError[] | undefined)?.[0];
  if (first === undefined) return publicMessage(err, status);
  const context = err.validationContext;
  if (context === 'params') return `no route ${request.url.split('?')[0].slice(0, 200)}`;
  type Schema = { $ref?: string; properties?: Record<string, Record<string, unknown>> };
  let schema = (request.routeOptions.schema?.[context === 'body' ? 'body' : 'querystring'] ?? {}) as Schema;
  // A shared schema (`{$ref: 'DigestJob#'}`): its properties are on the registered one.
  if (schema.$ref !== undefined) schema = (request.server.getSchema(schema.$ref.replace(/#$/, '')) ?? {}) as Schema;
  const properties = schema.properties ?? {};
  const name =
    first.instancePath.slice(1).split('/')[0] ||
    String(first.params.missingProperty ?? first.params.additionalProperty ?? '');
  // ajv stops at its first error, which may be a missing parameter when the cause is a
  // misspelt one (`?strat=` is "start is required"): an unknown name is said first.
  const given = context === 'body' ? request.body : request.query;
  const unknown =
    given !== null && typeof given === 'object' && !Array.isArray(given)
      ? Object.keys(given).find((k) => !Object.hasOwn(properties, k))
      : undefined;
  if (context === 'body') {
    if (first.instancePath === '' && first.keyword === 'type')
      return 'the body must be a JSON object {id, start, stop}';
    if (unknown !== undefined || first.keyword === 'additionalProperties') {
      const field = unknown ?? name;
      return `body.${field.slice(0, 32)} is not a field of a job (id, start, stop)${suggest(field, Object.keys(properties))}`;
    }
    if (first.keyword === 'required') return `body.${name} is required`;
    const value = (given as Record<string, unknown>)[name];
    if (first.keyword === 'format' && properties[name]?.format === 'uuid')
      return `body.${name} '${String(value).slice(0, 40)}' is not a window ID (a UUID, as GET / answers in "id")`;
    if (first.keyword === 'type') return `body.${name} must be a string`;
    return `body.${name} ${first.message ?? 'is invalid'}`;
  }
  if (unknown !== undefined)
    return `unknown query parameter '${unknown.slice(0, 64)}'${suggest(unknown, Object.keys(properties))}`;
  const value = (request.query as Record<string, unknown>)[name];
  const shown = `'${String(value).slice(0, 32)}'`;
  const p = properties[name] ?? {};
  switch (first.keyword) {
    case 'additionalProperties':
      return `unknown query parameter '${name.slice(0, 64)}'${suggest(name, Object.keys(properties))}`;
    case 'required':
      return p.format === 'date-time'
        ? `${name} is required (an RFC 3339 time such as 2026-01-15T16:20:00Z)`
        : `${name} is required`;
    case 'enum':
      return `${name} ${shown} must be one of ${(p.enum as string[]).join(', ')}`;
    default:
      if (Array.isArray(value)) return `query parameter '${name}' is given more than once`;
      if (p.type === 'integer')
        return `${name} ${shown} must be an integer from ${String(p.minimum)} to ${String(p.maximum)}`;
      if (p.type === 'boolean') return `${name} ${shown} must be true or false`;
      return `${name} ${shown} ${first.message ?? 'is invalid'}`;
  }
}
