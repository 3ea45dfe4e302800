/**
 * Slack's Audit Logs API: `GET {baseUrl}/audit/v1/logs` with `oldest`, `latest` (Unix seconds,
 * both inclusive), `limit` and `cursor` (from `response_metadata.next_cursor`), authorised by
 * `Authorization: Bearer`. One object per page; records are the `entries`, as sent.
 */
import { SourceAuthError, FetchError } from '../../errors.js';
import type { JsonValue, Source, SourceContext } from '../types.js';
import { arrayField, checkBaseUrl, readJson, requireSecret } from './common.js';
import { checkInteger } from '../../util/parse.js';

/** Options of {@link slackAuditLogs}. */
export interface SlackAuditLogsOptions {
  /** A user token (`xoxp-`) with `auditlogs:read`; pass it from the environment. */
  token: string | undefined;
  /** @default https://api.slack.com */
  baseUrl?: string;
  /** Entries per page (Slack allows up to 9999). @default 1000 */
  limit?: number;
  /** The env variable the token comes from, named in auth errors. @default SLACK_TOKEN */
  secretEnv?: string;
}

// Slack reports some auth failures as `ok: false` with these codes.
const AUTH_ERRORS = new Set([
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
]);

/** A source of Slack audit log entries. */
export function slackAuditLogs(options: SlackAuditLogsOptions): Source {
  const baseUrl = checkBaseUrl(options.baseUrl ?? 'https://api.slack.com', 'slackAuditLogs.baseUrl');
  const limit = checkInteger('slackAuditLogs.limit', options.limit, { min: 1, max: 9999 }, 1000);
  const secretEnv = options.secretEnv ?? 'SLACK_TOKEN';
  const source: Source = async (ctx: SourceContext) => {
    const token = requireSecret(ctx, options.token, secretEnv);
    // [start, end) in ms as inclusive whole seconds: an event at second x belongs here iff start <= x·1000 < end.
    const oldest = Math.ceil(ctx.window.start.getTime() / 1000);
    const latest = Math.ceil(ctx.window.end.getTime() / 1000) - 1;
    if (latest < oldest) return;
    let cursor: string | undefined;
    for (let page = 1; ; page++) {
      const query = new URLSearchParams({ oldest: String(oldest), latest: String(latest), limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      const where = `GET /audit/v1/logs page ${page}`;
      const res = await ctx.fetch(`${baseUrl}/audit/v1/logs?${query}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        secretEnv,
      });
      const body = await readJson(ctx, res, where);
      if (body.ok === false) {
        const code = typeof body.error === 'string' ? body.error : 'unknown_error';
        if (AUTH_ERRORS.has(code))
          throw new SourceAuthError(
            `stream ${ctx.streamId}: Slack refused the token (${code}): check the secret in ${secretEnv}`,
            { key: ctx.streamId, field: secretEnv },
          );
        throw new FetchError(`stream ${ctx.streamId}: ${where}: Slack answered error ${code}`, { key: ctx.streamId });
      }
      const entries = arrayField(ctx, body, 'entries', where);
      if (entries.length > 0) await ctx.emit({ records: entries });
      const meta = body.response_metadata as Record<string, JsonValue> | undefined;
      const next = meta && typeof meta === 'object' ? meta.next_cursor : undefined;
      if (typeof next !== 'string' || next === '') return;
      if (next === cursor)
        throw new FetchError(`stream ${ctx.streamId}: ${where}: Slack returned the same cursor again`, {
          key: ctx.streamId,
        });
      cursor = next;
    }
  };
  source.description = `Slack audit logs (${baseUrl}/audit/v1/logs)`;
  return source;
}
