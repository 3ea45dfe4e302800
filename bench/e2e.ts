/**
 * End-to-end: digest the benchmark fixture (~500 MB of lines in 16 gzip objects) with 1 and N
 * worker threads, each beside its floor: gunzip alone of the same objects on the same number of
 * threads, measured in the same run. Each measurement runs in a fresh process (peak RSS is its
 * own). Optional peers: DuckDB GROUP BY over read_csv (if @duckdb/node-api is installed).
 *
 *   npm run bench:e2e                 # 500MB
 *   npm run bench:e2e -- --size 100MB --runs 1
 */
import { availableParallelism } from 'node:os';
import { benchFixture, DIST, parseSizeArg } from './lib/fixture.js';
import { runChild, type ChildResult } from './lib/child.js';

const argv = process.argv.slice(2);
const size = parseSizeArg(argv, '--size', 500e6);
const runs = Number(argv[argv.indexOf('--runs') + 1] || 0) || 3;
const fx = await benchFixture(size);
const threads = [...new Set([1, availableParallelism()])];
console.error(`fixture: ${fx.dir} (${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines, ${fx.lines} lines)`);

const floorCode = (t: number) => `
import { Worker } from 'node:worker_threads';
const files = ${JSON.stringify(fx.files)};
const body = \`const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs'); const { createGunzip } = require('node:zlib');
(async () => { let n = 0; for (const f of workerData) { const g = createGunzip({ chunkSize: 262144 }); g.end(readFileSync(f)); for await (const c of g) n += c.length; } parentPort.postMessage(n); })();\`;
const t0 = performance.now();
const shares = Array.from({ length: ${t} }, (_, k) => files.filter((_, i) => i % ${t} === k));
const sizes = await Promise.all(shares.map((s) => new Promise((res, rej) => { const w = new Worker(body, { eval: true, workerData: s, execArgv: [] }); w.once('message', (n) => { res(n); w.terminate(); }); w.once('error', rej); })));
globalThis.result = { seconds: (performance.now() - t0) / 1000, bytes: sizes.reduce((a, b) => a + b, 0) };`;

const digestCode = (t: number) => `
import { createDigester } from ${JSON.stringify(DIST)};
const t0 = performance.now();
const d = createDigester({ threads: ${t} });
const digest = await d.digest([${JSON.stringify(fx.dir)}]);
let out = 0; for (const c of digest.textChunks()) out += c.length;
const seconds = (performance.now() - t0) / 1000;
await d.close();
globalThis.result = { seconds, rows: digest.size, lines: digest.stats.lines, bytes: digest.stats.bytesRead, out };`;

const duckCode = (t: number) => `
import { DuckDBInstance } from '@duckdb/node-api';
const files = ${JSON.stringify(fx.files)};
const cols = ['version','account-id','interface-id','srcaddr','dstaddr','srcport','dstport','protocol','packets','bytes','start','end','action','log-status'];
const columns = '{' + cols.map((c) => "'" + c + "': 'VARCHAR'").join(', ') + '}';
const t0 = performance.now();
const db = await DuckDBInstance.create(':memory:', { threads: '${t}' });
const con = await db.connect();
const sql = \`WITH r AS (SELECT "account-id" a, "interface-id" i, srcaddr s, dstaddr d, TRY_CAST(srcport AS BIGINT) sp, TRY_CAST(dstport AS BIGINT) dp,
  TRY_CAST(protocol AS BIGINT) p, TRY_CAST(packets AS HUGEINT) pk, TRY_CAST(bytes AS HUGEINT) b, TRY_CAST(start AS BIGINT) st, TRY_CAST("end" AS BIGINT) en, action ac
  FROM read_csv([\${files.map((f) => "'" + f + "'").join(',')}], delim=' ', header=true, columns=\${columns}) WHERE "log-status" = 'OK')
SELECT a, i, s, d, CASE WHEN sp > 0 AND dp > 0 AND sp >= dp THEN 0 ELSE sp END AS sp2, CASE WHEN sp > 0 AND dp > 0 AND sp < dp THEN 0 ELSE dp END AS dp2,
  p, ac, sum(pk), sum(b), min(st), max(en), count(*) FROM r GROUP BY ALL\`;
const reader = await con.runAndReadAll(sql);
const rows = reader.currentRowCount;
globalThis.result = { seconds: (performance.now() - t0) / 1000, rows };`;

async function best(label: string, code: string): Promise<ChildResult> {
  let bestRun: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await runChild(code);
    console.error(`  ${label}: ${r.seconds.toFixed(2)} s, ${r.maxRssMB.toFixed(0)} MB RSS`);
    if (bestRun === undefined || r.seconds < bestRun.seconds) bestRun = r;
  }
  return bestRun!;
}

const rows: string[] = [];
for (const t of threads) {
  const floor = await best(`gunzip floor, ${t} thread(s)`, floorCode(t));
  const dig = await best(`digest, ${t} worker(s)`, digestCode(t));
  const mb = (dig.bytes as number) / 1e6;
  rows.push(`| ${t} | ${dig.seconds.toFixed(2)} | ${(mb / dig.seconds).toFixed(0)} | ${((dig.lines as number) / dig.seconds / 1e6).toFixed(2)}M | ${dig.maxRssMB.toFixed(0)} | ${floor.seconds.toFixed(2)} | ${(dig.seconds / floor.seconds).toFixed(2)}x | ${dig.rows} |`);
}
let duck = 'DuckDB: not installed (`npm i --no-save @duckdb/node-api` to compare)';
try {
  await import('@duckdb/node-api' as string);
  const t = availableParallelism();
  const r = await best(`DuckDB GROUP BY, ${t} threads`, duckCode(t));
  duck = `DuckDB GROUP BY over read_csv, ${t} threads: ${r.seconds.toFixed(2)} s, ${r.maxRssMB.toFixed(0)} MB peak RSS, ${r.rows} rows`;
} catch { /* optional peer */ }

console.log(`\nEnd to end: ${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines, ${(fx.lines / 1e6).toFixed(2)}M lines; best of ${runs}; Node ${process.version}\n`);
console.log('| workers | wall s | MB/s | lines/s | peak RSS MB | gunzip floor s (same threads) | ratio to floor | rows |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\n${duck}`);
