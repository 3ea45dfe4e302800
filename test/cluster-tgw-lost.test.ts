// Transit Gateway's packets-lost-* sums through the cluster (issue 19): scan jobs cut their
// digests into version 4 partials, merge jobs merge them per range, the planner concatenates the
// ranges. The result equals the local digest byte for byte; the range functions agree with the
// whole digest for any cut.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chooseSplitters, concatRanges, splitDigest } from '../dist/cluster/ranges.js';
import { createDigester, Digest, digestToString, FIELD_PRESETS } from '../dist/index.js';
import { lines, memory } from './support/flowlog.js';
import { startRedis, type RedisHandle } from './support/redis.js';
import { runCli } from './support/run-cli.js';
import { ClusterWorkers, digestOnCluster, waitFor } from './support/cluster-workers.js';
import { tempDir } from './support/tmp.js';

const TGW = FIELD_PRESETS.tgw;
const dir = tempDir('flowdigest-cluster-tgw-');
const store = join(dir, 'store');
const logs = join(dir, 'logs');
const workers = new ClusterWorkers(() => ({ redis: redis.url, store }));
let redis: RedisHandle;
const digester = createDigester({ threads: 2, rangeRows: 64 });

/** Object `o`'s `n` records, in the tgw preset's order (header-less): few attachments, so rows repeat across objects. */
function tgwObject(o: number, n: number): string {
  const recs: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = o * 7919 + i * 104729;
    const v: Record<string, string> = {
      version: '6',
      'resource-type': 'TransitGateway',
      'account-id': String(111122223333 + (k % 2)),
      'tgw-id': `tgw-${k % 3}`,
      'tgw-attachment-id': `tgw-attach-${k % 5}`,
      srcaddr: `10.0.${k % 7}.${i % 11}`,
      dstaddr: `10.1.${k % 3}.1`,
      srcport: String(40000 + (k % 50)),
      dstport: String([443, 53, 8080][k % 3]),
      protocol: String([6, 17][k % 2]),
      packets: String(k % 100),
      bytes: String((k % 100) * 1400),
      start: String(1000 + (k % 40)),
      end: String(1060 + (k % 40)),
      'log-status': 'OK',
      'packets-lost-no-route': k % 4 === 0 ? '-' : String(k % 9),
      'packets-lost-blackhole': String(k % 2),
      'packets-lost-mtu-exceeded': k % 13 === 0 ? '4503599627370495' : '0',
      'packets-lost-ttl-expired': String(k % 3),
    };
    recs.push(TGW.map((f) => v[f] ?? '-').join(' '));
  }
  return lines(...recs);
}

beforeAll(async () => {
  mkdirSync(logs, { recursive: true });
  for (let o = 0; o < 8; o++) writeFileSync(join(logs, `tgw-${o}.log.gz`), gzipSync(tgwObject(o, 1500)));
  redis = await startRedis();
  await Promise.all([workers.start(), workers.start()].map((w) => waitFor(w, 'ready')));
}, 60_000);

afterAll(async () => {
  await digester.close();
  await workers.stop();
  await redis?.stop();
});

it('a cluster run sums packets-lost-* as the local digest does, text and NDJSON, byte for byte', async () => {
  for (const format of ['text', 'ndjson']) {
    const args = [logs, '--fields', 'tgw', '-f', format, '-q'];
    const r = await digestOnCluster(args, redis.url, store, '20KB');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = (await runCli(['digest', ...args])).stdout;
    expect(want.split('\n')[0]).toMatch(/packets-lost-ttl-expired$|"packets-lost-ttl-expired":\d+,"records"/);
    // The stats line counts the run's objects and bytes its own way; the rows must be identical.
    expect(r.stdout.split('\n').slice(0, -2)).toEqual(want.split('\n').slice(0, -2));
    if (format === 'text') expect(r.stdout).toBe(want);
    expect(r.stdout.split('\n').length).toBeGreaterThan(1000);
  }
  expect(readdirSync(store)).toEqual([]);
}, 120_000);

it('split at sampled splitters, merged per range, concatenated = the whole TGW digest, lost packets included', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 6 }),
      fc.nat(),
      async (sizes, ranges, pick) => {
        const texts = sizes.map((n, o) => tgwObject(o, n));
        const whole = await digester.digest([memory(...texts)], { fields: 'tgw' });
        const parts = await Promise.all(texts.map((t) => digester.digest([memory(t)], { fields: 'tgw' })));
        const splitters = chooseSplitters(parts[pick % parts.length], ranges).onlyRun();
        const cut = parts.map((p) => splitDigest(p, splitters));
        const merged = concatRanges(cut[0].map((_, r) => Digest.mergeSorted(cut.map((c) => c[r]))));
        expect(merged.lost).toEqual(whole.lost);
        expect(digestToString(merged)).toBe(digestToString(whole));
        expect(digestToString(merged, 'ndjson').split('\n').slice(0, -2)).toEqual(
          digestToString(whole, 'ndjson').split('\n').slice(0, -2),
        );
      },
    ),
    { numRuns: 30 },
  );
});
