/** Pieces the built-in HTTP sources share: secret and URL checks, JSON bodies read exactly. */
import { SourceAuthError, FetchError, InvalidOptionError } from '../../errors.js';
import { parseJson } from '../ndjson.js';
import type { JsonValue, SourceContext } from '../types.js';
import { httpUrl } from '../../util/url.js';

/** The secret, or an SourceAuthError naming the stream and the variable it should come from. */
export function requireSecret(ctx: SourceContext, value: string | undefined, secretEnv: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SourceAuthError(`stream ${ctx.streamId}: no secret given; set ${secretEnv}`, {
      key: ctx.streamId,
      field: secretEnv,
    });
  }
  if (/[\r\n]/.test(value))
    throw new SourceAuthError(`stream ${ctx.streamId}: the secret in ${secretEnv} contains a line break`, {
      key: ctx.streamId,
      field: secretEnv,
    });
  return value;
}

/** A base URL without a trailing slash; http(s) only, no credentials in it. */
export function checkBaseUrl(value: string, option: string): string {
  const url = httpUrl(value);
  if (url === undefined || url.search !== '') {
    throw new InvalidOptionError(option, 'must be an http:// or https:// URL without credentials or query');
  }
  return value.replace(/\/+$/, '');
}

/** A response body as JSON with numbers kept exact; errors name the stream, request and page. */
export async function readJson(ctx: SourceContext, res: Response, where: string): Promise<Record<string, JsonValue>> {
  const text = await res.text();
  const value = parseJson(text, `stream ${ctx.streamId}: ${where}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FetchError(`stream ${ctx.streamId}: ${where}: the response is not a JSON object`, { key: ctx.streamId });
  }
  return value as Record<string, JsonValue>;
}

/** The field as an array, or a FetchError naming it. */
export function arrayField(
  ctx: SourceContext,
  obj: Record<string, JsonValue>,
  field: string,
  where: string,
): JsonValue[] {
  const v = obj[field];
  if (!Array.isArray(v))
    throw new FetchError(`stream ${ctx.streamId}: ${where}: '${field}' is not an array`, { key: ctx.streamId, field });
  return v;
}
