/**
 * The HTTP queuer: POSTs `{id,start,stop}` to `{endpoint}/{topic}/{event}`, an event bus that
 * later POSTs it to a worker, or this service's own worker route (standalone mode). Any 2xx
 * means queued (the Go queuer demanded 200 while its own worker answered 204, so standalone
 * mode never worked). It asks with `Prefer: respond-async`, which a flowdigest worker honours by
 * answering 202 once the job is accepted, instead of 204 once it is stored.
 */
import { QueueFullError } from '../../errors.js';
import { QueueError } from '../errors.js';
import type { DigestJob, EnqueueContext, Queuer } from './types.js';

/** The event name in the worker route's path. */
export const QUEUE_EVENT = 'digest';

export interface HttpQueuerOptions {
  /** Base URL (`http://host:port[/path]`), or a function giving it once known (`self`). */
  endpoint: string | (() => string);
  topic: string;
  /** Sent as a bearer token (the service's own token in standalone mode). */
  token?: string;
  /** Per-request timeout, ms. @default 10000 */
  timeout?: number;
}

export class HttpQueuer implements Queuer {
  readonly description: string;
  constructor(private readonly o: HttpQueuerOptions) {
    this.description = typeof o.endpoint === 'string' ? redact(o.endpoint) : 'this service (standalone)';
  }

  async enqueue(job: DigestJob, context: EnqueueContext): Promise<void> {
    const base = typeof this.o.endpoint === 'string' ? this.o.endpoint : this.o.endpoint();
    const url = `${base.replace(/\/+$/, '')}/${encodeURIComponent(this.o.topic)}/${QUEUE_EVENT}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      prefer: 'respond-async',
      'x-request-id': context.requestId,
    };
    if (this.o.token !== undefined) headers.authorization = `Bearer ${this.o.token}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: job.id, start: job.start, stop: job.stop }),
        signal: AbortSignal.timeout(this.o.timeout ?? 10_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new QueueError(`cannot reach the queue at ${redact(url)}: ${cause}`, { key: redact(url) }, { cause: err });
    }
    // Drain so the connection can be reused.
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return;
    if (res.status === 503 || res.status === 429) {
      const after = Number(res.headers.get('retry-after'));
      throw new QueueFullError(
        `the queue at ${redact(url)} is full (HTTP ${res.status})`,
        Number.isInteger(after) && after > 0 ? Math.min(after, 3600) : 5,
      );
    }
    throw new QueueError(
      `the queue at ${redact(url)} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      { key: redact(url) },
    );
  }
}

/** A URL without userinfo or query, for messages and logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * A queue endpoint as given (`http(s)://host[:port][/path]`, or `host:port` as the Go service's
 * STREAM_APPLIANCE_ENDPOINT took it) as a base URL; undefined when it is neither. Credentials in
 * the URL are refused: they would end up in logs and process listings.
 */
export function parseQueueEndpoint(value: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (
    (u.protocol !== 'http:' && u.protocol !== 'https:') ||
    u.username !== '' ||
    u.password !== '' ||
    u.search !== '' ||
    u.hash !== '' ||
    u.hostname === ''
  )
    return undefined;
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}
