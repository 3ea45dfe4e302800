/**
 * The webhook sink: each batch is POSTed as a JSON array, signed with
 * `X-Flowdigest-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>`.
 *
 * Network errors, timeouts, 408, 429 and 5xx are retried with exponential backoff and full
 * jitter (429/503 honour Retry-After) for up to `maxRetryMs`; then `send` throws and the batch is
 * retried later from the spool. Any other 4xx means the receiver refuses these events: retrying
 * cannot help, so they are appended to the dead-letter file (NDJSON) and counted. The secret is
 * never logged nor put in an error.
 */
import { createHmac } from 'node:crypto';
import { dirname } from 'node:path';
import { AbortError, AuditSinkError, InvalidOptionError } from '../../errors.js';
import { appendDurable, ensureDir } from '../../util/durable.js';
import { checkInteger } from '../../util/parse.js';
import type { AuditEvent, AuditSendResult, AuditSink } from '../types.js';
import { httpUrl } from '../../util/url.js';

/** The signature header. */
export const SIGNATURE_HEADER = 'x-flowdigest-signature';

/** Options of {@link webhookSink}. */
export interface WebhookSinkOptions {
  /** `http://` or `https://` URL, without credentials. */
  url: string;
  /** The HMAC signing secret (from `FLOWDIGEST_AUDIT_WEBHOOK_SECRET`); at least 16 bytes. */
  secret: string;
  /** Where refused (non-retryable 4xx) events go, one JSON line each. */
  deadLetterPath: string;
  /** Keep retrying one batch for this long before `send` gives up (it is retried from the spool later). @default 60000 */
  maxRetryMs?: number;
  /** First backoff; doubles per attempt, with full jitter. @default 500 */
  retryBaseMs?: number;
  /** One request is abandoned (and retried) after this many ms. @default 10000 */
  timeoutMs?: number;
  /** The sink's name in logs, metrics and the spool's positions. @default `webhook` */
  name?: string;
  /** fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** The signature header value for `body`: `sha256=` + hex HMAC-SHA256 with `secret`. */
export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function validate(o: WebhookSinkOptions): Required<WebhookSinkOptions> {
  if (o === null || typeof o !== 'object') throw new InvalidOptionError('webhook', 'options must be an object');
  const url = httpUrl(o.url);
  if (url === undefined) {
    // Not echoed: a URL with userinfo carries a credential.
    throw new InvalidOptionError('webhook.url', 'must be an http:// or https:// URL without credentials');
  }
  if (typeof o.secret !== 'string' || Buffer.byteLength(o.secret) < 16) {
    throw new InvalidOptionError(
      'webhook.secret',
      'must be a string of at least 16 bytes (set FLOWDIGEST_AUDIT_WEBHOOK_SECRET)',
    );
  }
  if (typeof o.deadLetterPath !== 'string' || o.deadLetterPath === '' || o.deadLetterPath.includes('\0')) {
    throw new InvalidOptionError('webhook.deadLetterPath', 'must be a file path');
  }
  const int = (name: string, v: unknown, dflt: number, min: number, max: number) =>
    checkInteger(`webhook.${name}`, v, { min, max }, dflt);
  if (o.fetch !== undefined && typeof o.fetch !== 'function')
    throw new InvalidOptionError('webhook.fetch', 'must be a function');
  if (o.name !== undefined && typeof o.name !== 'string')
    throw new InvalidOptionError('webhook.name', 'must be a string');
  return {
    url: url.href,
    secret: o.secret,
    deadLetterPath: o.deadLetterPath,
    maxRetryMs: int('maxRetryMs', o.maxRetryMs, 60_000, 0, 3_600_000),
    retryBaseMs: int('retryBaseMs', o.retryBaseMs, 500, 1, 600_000),
    timeoutMs: int('timeoutMs', o.timeoutMs, 10_000, 1, 600_000),
    name: o.name ?? 'webhook',
    fetch: o.fetch ?? globalThis.fetch,
  };
}

/** Seconds or an HTTP date, as ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortError(signal.reason));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortError(signal.reason));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** A sink that POSTs signed batches to `options.url`. */
export function webhookSink(options: WebhookSinkOptions): AuditSink {
  const o = validate(options);
  const where = new URL(o.url);
  // Logged and put in errors instead of the full URL: a query string may carry a receiver's key.
  const target = `${where.origin}${where.pathname}`;
  let dirReady: Promise<unknown> | undefined;

  const deadLetter = async (events: readonly AuditEvent[], status: number): Promise<void> => {
    dirReady ??= ensureDir(dirname(o.deadLetterPath));
    await dirReady;
    const at = new Date().toISOString();
    const lines = events
      .map((event) => `${JSON.stringify({ deadLetteredAt: at, sink: o.name, url: target, status, event })}\n`)
      .join('');
    await appendDurable(o.deadLetterPath, lines);
  };

  return {
    name: o.name,
    async send(events, signal = new AbortController().signal): Promise<AuditSendResult> {
      const body = Buffer.from(JSON.stringify(events));
      const headers = {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signBody(o.secret, body),
        'x-flowdigest-batch-size': String(events.length),
        'user-agent': 'flowdigest-audit',
      };
      const started = Date.now();
      let last = '';
      for (let attempt = 1; ; attempt++) {
        signal.throwIfAborted();
        let wait: number | undefined;
        try {
          const res = await o.fetch(o.url, {
            method: 'POST',
            headers,
            body,
            redirect: 'manual',
            signal: AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs)]),
          });
          await res.body?.cancel().catch(() => {});
          if (res.status >= 200 && res.status < 300) return {};
          if (res.status === 408 || res.status === 429 || res.status >= 500) {
            last = `HTTP ${res.status}`;
            wait = retryAfterMs(res.headers.get('retry-after'));
          } else if (res.status >= 400) {
            await deadLetter(events, res.status);
            return { deadLettered: events.length };
          } else {
            throw new AuditSinkError(
              `${o.name} ${target} answered HTTP ${res.status}; redirects are not followed, fix the URL`,
              { key: target },
            );
          }
        } catch (err) {
          if (err instanceof AuditSinkError) throw err;
          if (signal.aborted) throw new AbortError(signal.reason);
          const e = err as Error & { cause?: { code?: string; message?: string } };
          last =
            e.name === 'TimeoutError'
              ? `no answer within ${o.timeoutMs} ms`
              : `${e.cause?.code ?? e.name}: ${e.cause?.message ?? e.message}`;
        }
        const backoff = Math.random() * Math.min(30_000, o.retryBaseMs * 2 ** Math.min(attempt - 1, 20));
        const delay = wait ?? backoff;
        if (Date.now() + delay - started > o.maxRetryMs) {
          // The spool's retry waits at least Retry-After: the receiver asked for it.
          throw new AuditSinkError(
            `${o.name} ${target}: ${last} after ${attempt} attempt(s) in ${Date.now() - started} ms`,
            { key: target },
            { retryAfterMs: wait },
          );
        }
        await sleep(delay, signal);
      }
    },
  };
}
