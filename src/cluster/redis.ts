/**
 * The Redis connection of a cluster run, from one URL (`redis://[user:password@]host[:port][/db]`
 * or `rediss://` for TLS). The password is never logged: {@link describeRedis} drops it.
 */
import type { RedisOptions } from 'ioredis';
import { InvalidOptionError, WorkerError } from '../errors.js';

/** How long a planner keeps reconnecting to a lost Redis before the run fails. */
export const DEFAULT_REDIS_RETRY_MS = 30_000;

/** The reconnect delays (ms): 200, 400, ... 2000, then 2000 each. */
const reconnectDelay = (times: number) => Math.min(times * 200, 2000);

/**
 * BullMQ connection options for `url` (validated). A lost connection is retried with backoff
 * (200 ms growing to 2 s): for about `retryMs` of reconnect delays, after which the connection
 * ends (its `end` event) and its commands fail; forever when `retryMs` is undefined (a worker).
 */
export function redisConnection(url: string, option = '--redis', retryMs?: number): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidOptionError(option, 'is not a URL (e.g. redis://127.0.0.1:6379)', describeRedis(url));
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new InvalidOptionError(option, `must be a redis:// or rediss:// URL, not ${u.protocol}//`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new InvalidOptionError(option, `database '${u.pathname.slice(1)}' must be a non-negative integer`);
  const port = u.port === '' ? 6379 : Number(u.port);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis; their commands must wait out a reconnect, not fail after 20 tries.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => {
      if (retryMs === undefined) return reconnectDelay(times);
      let waited = 0;
      for (let t = 1; t < times; t++) waited += reconnectDelay(t);
      return waited >= retryMs ? null : Math.min(reconnectDelay(times), retryMs - waited);
    },
    // An unanswering host (not a refused connection) counts against the same bound.
    ...(retryMs !== undefined ? { connectTimeout: Math.max(1000, Math.min(10_000, retryMs)) } : {}),
  };
}

/** The URL without its password, for messages. */
export function describeRedis(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Check that Redis answers, within a few quick tries, so a wrong URL or a stopped server fails
 * at once and clearly (BullMQ itself would keep reconnecting).
 */
export async function checkRedis(url: string): Promise<void> {
  // Loaded here, not at the top: the URL checks above serve `serve`'s configuration without ioredis.
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...redisConnection(url),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (n: number) => (n > 3 ? null : 200),
  });
  client.on('error', () => {
    /* reported below */
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new WorkerError(`cannot reach Redis at ${describeRedis(url)}: ${(err as Error).message}`);
  } finally {
    client.disconnect();
  }
}
