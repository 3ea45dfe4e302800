/**
 * Markers in Redis, shared by every service process on it. A POST claims its window with one
 * atomic script (set unless a fresh in-progress marker is there), so of two processes that get
 * the same POST at once exactly one queues the job; the other answers 409.
 */
import type { Redis } from 'ioredis';
import { describeRedis, redisConnection } from '../../cluster/redis.js';
import { OPTIONAL_PACKAGES, requireOptional } from '../../util/optional.js';
import { assertId } from '../storage/names.js';
import type { Marker, MarkerRecord } from './types.js';

const PREFIX = 'flowdigest:marker:';

// KEYS[1] the marker; ARGV[1] the new record; ARGV[2] the oldest updatedAt that is still fresh.
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v then
  local ok, r = pcall(cjson.decode, v)
  if ok and r.state == 'in_progress' and tonumber(r.updatedAt) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/**
 * Markers on the Redis at `url`. ioredis is an optional peer, loaded when the first marker is made,
 * so a service without Redis never needs it.
 * @throws MissingDependencyError when ioredis is not installed.
 */
export class RedisMarker implements Marker {
  readonly description: string;
  readonly #client: Promise<Redis>;

  constructor(url: string) {
    requireOptional('a service on Redis (options.redis, serve --redis)', OPTIONAL_PACKAGES.cluster);
    const options = { ...redisConnection(url, 'redis'), maxRetriesPerRequest: 3, lazyConnect: true };
    this.#client = import('ioredis').then(({ Redis }) => new Redis(options));
    // A failed load reaches every caller that awaits the client; it must not end the process meanwhile.
    this.#client.catch(() => {});
    this.description = `redis ${describeRedis(url)}`;
  }

  async get(id: string): Promise<MarkerRecord | undefined> {
    const v = await (await this.#client).get(PREFIX + assertId(id));
    return v === null ? undefined : (JSON.parse(v) as MarkerRecord);
  }

  async set(record: MarkerRecord): Promise<void> {
    await (await this.#client).set(PREFIX + assertId(record.id), JSON.stringify(record));
  }

  /** Write `record` unless a fresh in-progress marker (updated at or after `freshSince`) holds the window. */
  async claim(record: MarkerRecord, freshSince: number): Promise<boolean> {
    return (
      (await (
        await this.#client
      ).eval(CLAIM, 1, PREFIX + assertId(record.id), JSON.stringify(record), String(freshSince))) === 1
    );
  }

  async clear(id: string): Promise<void> {
    await (await this.#client).del(PREFIX + assertId(id));
  }

  async *list(): AsyncIterable<MarkerRecord> {
    const redis = await this.#client;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 200);
      cursor = next;
      for (const key of keys) {
        const v = await redis.get(key);
        if (v !== null) yield JSON.parse(v) as MarkerRecord;
      }
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    (await this.#client).disconnect();
  }
}
