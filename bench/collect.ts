/**
 * Collection throughput: a loopback Slack Audit Logs server holding N entries (each with a
 * 2^63-scale integer), collected by `slackAuditLogs` into `fsDestination` as gzip NDJSON pages.
 * Reports records/s and MB/s of NDJSON, best of --runs. Loopback HTTP + local disk: what the
 * collector itself costs (JSON parsing that keeps big numbers exact, gzip, commit), not a vendor.
 *
 *   npm run build && node --import tsx bench/collect.ts                 # 200,000 entries, pages of 1000
 *   node --import tsx bench/collect.ts --records 50000 --limit 5000 --runs 3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collector, fsDestination, slackAuditLogs } from '../dist/collect/index.js';
import { slackEntry, startVendorApi } from '../test/support/vendor-api.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const records = arg('--records', 200_000);
const limit = arg('--limit', 1000);
const runs = arg('--runs', 2);
const T0 = Date.parse('2026-01-15T00:00:00Z');
const SPAN = 24 * 3_600_000;

const api = await startVendorApi('bench-token');
api.slack = Array.from({ length: records }, (_, i) => slackEntry(i, T0 + Math.floor((i / records) * SPAN)));
const bytes = api.slack.reduce((sum, r) => sum + r.raw.length + 1, 0);
let best = Infinity;
for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'collect-bench-'));
  const c = collector(
    [
      {
        id: 'bench',
        source: slackAuditLogs({ token: 'bench-token', baseUrl: api.endpoint, limit }),
        destination: fsDestination({ dir }),
      },
    ],
    { log: () => {} },
  );
  const began = performance.now();
  const report = await c.run({ all: true, window: { start: new Date(T0), end: new Date(T0 + SPAN) } });
  const seconds = (performance.now() - began) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (!report.ok || report.streams[0].records !== records)
    throw new Error(`run failed: ${report.streams[0].error?.message ?? `${report.streams[0].records} records`}`);
  best = Math.min(best, seconds);
  console.log(`run ${run + 1}: ${seconds.toFixed(2)} s, ${report.streams[0].objects} objects`);
}
console.log(
  `${records.toLocaleString('en-US')} records in pages of ${limit}: best ${best.toFixed(2)} s, ${Math.round(records / best).toLocaleString('en-US')} records/s, ${(bytes / 1e6 / best).toFixed(1)} MB/s of NDJSON`,
);
await api.close();
