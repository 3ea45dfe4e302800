/**
 * 1Password's Events API: `POST {baseUrl}/api/v1/{signinattempts|itemusages|auditevents}`,
 * first with a reset cursor `{limit, start_time, end_time}`, then `{cursor}` while `has_more`,
 * authorised by `Authorization: Bearer`. One object per page, labelled with the event type.
 *
 * The API's time bounds are inclusive, so an item stamped exactly at the window's end would be
 * sent for two adjacent windows: items whose `timestamp` falls outside `[start, end)` are left
 * to the window they belong to.
 */
import { FetchError, InvalidOptionError } from '../../errors.js';
import type { JsonValue, Source, SourceContext } from '../types.js';
import { arrayField, checkBaseUrl, readJson, requireSecret } from './common.js';
import { checkInteger } from '../../util/parse.js';

/** The Events API's event types. */
export type OnePasswordEventType = 'signinattempts' | 'itemusages' | 'auditevents';

/** Options of {@link onePasswordEvents}. */
export interface OnePasswordEventsOptions {
  /** An Events Reporting bearer token; pass it from the environment. */
  token: string | undefined;
  /** @default https://events.1password.com */
  baseUrl?: string;
  /** @default all three */
  events?: OnePasswordEventType[];
  /** Items per page (1-1000). @default 1000 */
  limit?: number;
  /** The env variable the token comes from, named in auth errors. @default ONE_PASSWORD_TOKEN */
  secretEnv?: string;
}

const TYPES: readonly OnePasswordEventType[] = ['signinattempts', 'itemusages', 'auditevents'];

/** A source of 1Password events. */
export function onePasswordEvents(options: OnePasswordEventsOptions): Source {
  const baseUrl = checkBaseUrl(options.baseUrl ?? 'https://events.1password.com', 'onePasswordEvents.baseUrl');
  const limit = checkInteger('onePasswordEvents.limit', options.limit, { min: 1, max: 1000 }, 1000);
  const secretEnv = options.secretEnv ?? 'ONE_PASSWORD_TOKEN';
  const events = options.events ?? [...TYPES];
  if (
    !Array.isArray(events) ||
    events.length === 0 ||
    events.some((e) => !TYPES.includes(e)) ||
    new Set(events).size !== events.length
  ) {
    throw new InvalidOptionError('onePasswordEvents.events', `must be distinct values of ${TYPES.join(', ')}`);
  }
  const source: Source = async (ctx: SourceContext) => {
    const token = requireSecret(ctx, options.token, secretEnv);
    const start = ctx.window.start.getTime();
    const end = ctx.window.end.getTime();
    for (const type of events) {
      let request: Record<string, string | number> = {
        limit,
        start_time: ctx.window.start.toISOString(),
        end_time: ctx.window.end.toISOString(),
      };
      let seq = 0;
      for (let page = 1; ; page++) {
        const where = `POST /api/v1/${type} page ${page}`;
        const res = await ctx.fetch(`${baseUrl}/api/v1/${type}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request),
          secretEnv,
        });
        const body = await readJson(ctx, res, where);
        const items = arrayField(ctx, body, 'items', where).filter((item) => inWindow(item, start, end));
        if (items.length > 0) await ctx.emit({ records: items, seq: seq++, label: type });
        if (body.has_more !== true) break;
        if (typeof body.cursor !== 'string' || body.cursor === '') {
          throw new FetchError(`stream ${ctx.streamId}: ${where}: has_more without a cursor`, {
            key: ctx.streamId,
            field: 'cursor',
          });
        }
        request = { cursor: body.cursor };
      }
    }
  };
  source.description = `1Password events ${events.join(',')} (${baseUrl})`;
  return source;
}

/** Whether an item's timestamp is in `[start, end)`; an item without a readable one is kept. */
function inWindow(item: JsonValue, start: number, end: number): boolean {
  const ts =
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? (item as Record<string, JsonValue>).timestamp
      : undefined;
  const t = typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
  return Number.isNaN(t) || (t >= start && t < end);
}
