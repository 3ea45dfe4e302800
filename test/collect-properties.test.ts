// Properties of collection (fast-check), over real HTTP and real files:
// - no record is lost or duplicated across pages, retries, failed runs and re-runs;
// - a failure mid-object leaves nothing visible (and no temporary file);
// - the checkpoint advances only when every object of its window is committed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  collector,
  compactTime,
  fsDestination,
  slackAuditLogs,
  type Destination,
  type Source,
} from '../dist/collect/index.js';
import { listFiles, readLines } from './support/collect.js';
import { tempDir } from './support/tmp.js';
import { type Fault, slackEntry, startVendorApi, type VendorApi } from './support/vendor-api.js';

const TOKEN = 'xoxp-property-token';
const T0 = Date.parse('2026-05-01T00:00:00Z');
const HOUR = 3_600_000;
const LAG = 5 * 60_000;
let api: VendorApi;
const root = tempDir('collect-prop-');
let case_ = 0;

beforeAll(async () => {
  api = await startVendorApi(TOKEN);
});
afterAll(async () => {
  await api?.close();
});

const FAULTS: (Fault | undefined)[] = [
  undefined,
  { status: 429, headers: { 'retry-after': '0' } },
  { status: 503 },
  'drop',
];

it('no record is lost or duplicated across pages, retries, failed runs and re-runs', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 0, max: 6 * HOUR - 1 }), { maxLength: 40 }),
      fc.integer({ min: 1, max: 6 }),
      // Run times (minutes after T0, sorted later), and for each run whether it is made to fail (after how many requests).
      // Each run may have another page size (a config change between a failed run and its redo).
      fc.array(
        fc.record({
          at: fc.integer({ min: 10, max: 7 * 60 }),
          failAfter: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
          limit: fc.integer({ min: 1, max: 6 }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      // Transient faults by request number: each is retried (at most two in a row, under three attempts).
      fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: 1, maxLength: 20 }),
      async (offsets, limit, runs, faultCodes) => {
        const dir = join(root, `p1-${case_++}`);
        api.slack = offsets.map((o, i) => slackEntry(i, T0 + o));
        let now = T0;
        // Transient faults by request number, never more than two in a row (attempts are three).
        const transient = () => {
          let streak = 0;
          return (n: number) => {
            const f = FAULTS[faultCodes[n % faultCodes.length]];
            streak = f ? streak + 1 : 0;
            return streak > 2 ? undefined : f;
          };
        };
        const make = (pageSize: number) =>
          collector(
            [
              {
                id: 's',
                source: slackAuditLogs({ token: TOKEN, baseUrl: api.endpoint, limit: pageSize }),
                destination: fsDestination({ dir }),
              },
            ],
            {
              log: () => {},
              now: () => new Date(now),
              retry: { baseMs: 0, maxMs: 0, maxAttempts: 3 },
              initialLookbackMs: 24 * HOUR,
            },
          );
        const c = make(limit);
        for (const run of [...runs].sort((a, b) => a.at - b.at)) {
          now = T0 + run.at * 60_000;
          const seen = api.requests.length;
          // A failing run: its first requests succeed (pages may be committed), every later one fails for good.
          const failAfter = run.failAfter;
          api.faults =
            failAfter !== undefined ? (n) => (n - seen > failAfter ? { status: 500 } : undefined) : transient();
          await make(run.limit).run({ all: true });
        }
        // A last clean run after everything has aged past the lag.
        now = T0 + 6 * HOUR + LAG + 1000;
        api.faults = () => undefined;
        const last = await c.run({ all: true });
        expect(last.ok, String(last.streams[0].error)).toBe(true);
        const lines = readLines(dir);
        expect(lines.sort()).toEqual(api.slack.map((r) => r.raw).sort());
      },
    ),
    { numRuns: 30 },
  );
});

/** fsDestination whose puts numbered in `failAt` fail after reading part of the body. */
function flaky(dir: string, failAt: Set<number>): Destination & { puts: number } {
  const inner = fsDestination({ dir });
  const d = {
    location: inner.location,
    puts: 0,
    get: inner.get.bind(inner),
    list: inner.list?.bind(inner),
    delete: inner.delete?.bind(inner),
    async put(name: string, body: Readable, options: Parameters<Destination['put']>[2]) {
      const n = d.puts++;
      if (!failAt.has(n) || name.endsWith('_checkpoint.json')) return inner.put(name, body, options);
      // Let part of the body through, then break it, as a dropped connection would.
      let seen = 0;
      body.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 0) body.destroy(new Error(`put ${n} broke`));
      });
      return inner.put(name, body, options);
    },
  };
  return d;
}

it('a failure mid-object leaves nothing visible and no temporary file', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.boolean(), async (n, k, bytes) => {
      const dir = join(root, `p2-${case_++}`);
      const breakAt = k % n;
      const src: Source = async (ctx) => {
        // One complete object first, then one that fails part-way.
        await ctx.emit({ records: [{ ok: 1 }] });
        if (bytes) {
          async function* body() {
            for (let i = 0; i < n; i++) {
              if (i === breakAt) throw new Error('broken body');
              yield Buffer.alloc(1024, i);
            }
          }
          await ctx.emit({ format: 'bytes', body: body(), extension: 'bin' });
        } else {
          async function* records() {
            for (let i = 0; i < n; i++) {
              if (i === breakAt) throw new Error('broken records');
              yield { i, big: 2n ** 64n + BigInt(i) };
            }
          }
          await ctx.emit({ records: records() });
        }
      };
      const report = await collector([{ id: 'm', source: src, destination: fsDestination({ dir }) }], {
        log: () => {},
      }).run({ all: true, window: { start: new Date(T0), end: new Date(T0 + HOUR) } });
      expect(report.ok).toBe(false);
      expect(listFiles(dir)).toEqual(['m/2026/05/01/00/20260501T000000Z_20260501T010000Z_000000.ndjson.gz']);
      expect(readLines(dir)).toEqual(['{"ok":1}']);
    }),
    { numRuns: 40 },
  );
});

it('the checkpoint advances only when every object of its window is committed', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ advanceMin: fc.integer({ min: 1, max: 120 }), pages: fc.integer({ min: 0, max: 4 }) }), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }),
      async (runs, failAt) => {
        const dir = join(root, `p3-${case_++}`);
        const dest = flaky(dir, new Set(failAt));
        let now = T0 + 2 * HOUR;
        let pages = 0;
        const src: Source = async (ctx) => {
          for (let p = 0; p < pages; p++) await ctx.emit({ records: [{ start: ctx.window.start.toISOString(), p }] });
        };
        const c = collector([{ id: 'c', source: src, destination: dest }], { log: () => {}, now: () => new Date(now) });
        const read = () => {
          try {
            return JSON.parse(readFileSync(join(dir, 'c/_checkpoint.json'), 'utf8')) as {
              position: string;
              pending: unknown;
            };
          } catch {
            return undefined;
          }
        };
        for (const run of runs) {
          now += run.advanceMin * 60_000;
          pages = run.pages;
          const before = read();
          const report = await c.run({ all: true });
          const after = read();
          expect(after).toBeDefined();
          const position = Date.parse(after!.position);
          // Never backwards.
          if (before !== undefined) expect(position).toBeGreaterThanOrEqual(Date.parse(before.position));
          if (report.ok) {
            expect(position).toBe(Math.floor((now - LAG) / 1000) * 1000);
            expect(after!.pending).toBeNull();
          } else {
            // Failed: the position is the start of the window that failed, recorded to be redone.
            expect(after!.pending).toMatchObject({ start: after!.position });
          }
          // (A first run's checkpoint starts at its planned start: that is not a move.)
          const moved = before === undefined ? after!.pending === null : after!.position !== before.position;
          if (moved && pages > 0) {
            // It moved in this run, so the window ending there has all its objects.
            const ending = listFiles(dir).filter((f) => f.includes(`_${compactTime(new Date(position))}_`));
            expect(ending).toHaveLength(pages);
          }
        }
      },
    ),
    { numRuns: 40 },
  );
});
