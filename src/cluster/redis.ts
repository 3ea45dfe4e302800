/**
 * The Redis connection of a cluster run, from one URL (`redis://[user:password@]host[:port][/db]`
 * or `rediss://` for TLS). The password is never logged: {@link describeRedis} drops it.
 */
import type { RedisOptions } from 'ioredis';
import { InvalidOptionError } from '../errors.js';

/** BullMQ connection options for `url` (validated). */
export function redisConnection(url: string, option = '--redis'): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidOptionError(option, `'${describeRedis(url)}' is not a URL (e.g. redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InvalidOptionError(option, `must be a redis:// or rediss:// URL, not ${u.protocol}//`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new InvalidOptionError(option, `database '${u.pathname.slice(1)}' must be a non-negative integer`);
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
    // A lost connection is retried with backoff; past this, the caller fails clearly.
    retryStrategy: (times: number) => (times > 20 ? null : Math.min(times * 200, 2000)),
  };
}

/** The URL without its password, for messages. */
export function describeRedis(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
