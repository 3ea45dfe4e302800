/**
 * `fetch` for sources, under the stream's retry policy. Errors name the stream and the URL
 * without its query (the query can carry cursors; never secrets, which travel in headers only).
 */
import { AbortError, SourceAuthError, FetchError } from '../errors.js';
import { RetryableError, type RetryPolicy, parseRetryAfter, withRetry } from './retry.js';

/** Per-request inactivity bound: a stalled vendor fails the attempt (and is retried). */
const REQUEST_TIMEOUT_MS = 60_000;

/** What the retrying fetch reports and is bounded by. */
export interface FetchScope {
  streamId: string;
  policy: RetryPolicy;
  signal: AbortSignal;
  onRetry(what: string, reason: string, attempt: number, waitMs: number): void;
}

/** `origin + path` of a URL, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Fetch with retries on network errors, 5xx and 429 (Retry-After honoured). 401 and 403 throw
 * SourceAuthError at once, naming `secretEnv`. Other statuses other than 2xx throw FetchError.
 */
export async function retryingFetch(
  scope: FetchScope,
  url: string,
  init: RequestInit & { secretEnv?: string } = {},
): Promise<Response> {
  const { secretEnv, ...request } = init;
  const method = (request.method ?? 'GET').toUpperCase();
  const what = `${method} ${describeUrl(url)}`;
  const ctx = { key: scope.streamId };
  let lastStatus = '';
  try {
    return await withRetry(
      scope.policy,
      scope.signal,
      async () => {
        let res: Response;
        try {
          res = await fetch(url, {
            ...request,
            signal: AbortSignal.any([scope.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
          });
        } catch (err) {
          if (scope.signal.aborted) throw new AbortError(scope.signal.reason);
          const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
          lastStatus = `network error (${cause})`;
          throw new RetryableError(lastStatus, undefined, { cause: err });
        }
        if (res.ok) return res;
        const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
        if (res.status === 429 || res.status >= 500) {
          await res.body?.cancel().catch(() => {});
          lastStatus = `HTTP ${status}`;
          throw new RetryableError(lastStatus, parseRetryAfter(res.headers.get('retry-after')));
        }
        if (res.status === 401 || res.status === 403) {
          await res.body?.cancel().catch(() => {});
          const secret = secretEnv ? `: check the secret in ${secretEnv}` : '';
          throw new SourceAuthError(`stream ${scope.streamId}: ${what} answered ${status}${secret}`, {
            ...ctx,
            ...(secretEnv ? { field: secretEnv } : {}),
          });
        }
        const body = (await res.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ');
        throw new FetchError(`stream ${scope.streamId}: ${what} answered ${status}${body ? `: ${body}` : ''}`, ctx);
      },
      (err, attempt, wait) => scope.onRetry(what, err.message, attempt, wait),
    );
  } catch (err) {
    if (err instanceof RetryableError) {
      if (err.retryAfterMs !== undefined && err.retryAfterMs > scope.policy.maxMs) {
        throw new FetchError(
          `stream ${scope.streamId}: ${what}: ${lastStatus} asked to wait ${Math.ceil(err.retryAfterMs / 1000)} s, more than retry.maxMs (${scope.policy.maxMs} ms)`,
          ctx,
          { cause: err },
        );
      }
      throw new FetchError(
        `stream ${scope.streamId}: ${what} failed after ${scope.policy.maxAttempts} attempts: ${lastStatus}`,
        ctx,
        { cause: err },
      );
    }
    throw err;
  }
}
