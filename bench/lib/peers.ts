/**
 * What a digest is measured against, as code for a fresh Node process (bench/lib/child.ts
 * runChild): the gunzip floor of the same objects, and DuckDB's GROUP BY over them. Shared by
 * bench/e2e.ts and bench/rounds.ts.
 */

/** DuckDB's threads, as the digest's workers. */
export const PEER_THREADS = 2;

/** Whether @duckdb/node-api can be loaded (`npm i --no-save @duckdb/node-api`). */
export async function hasDuckDB(): Promise<boolean> {
  try {
    await import('@duckdb/node-api' as string);
    return true;
  } catch {
    return false;
  }
}

/** The gunzip floor: `files` inflated (and dropped) on `t` worker threads, as the digest's workers inflate. */
export const floorCode = (files: string[], t: number) => `
import { Worker } from 'node:worker_threads';
const files = ${JSON.stringify(files)};
const body = \`const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs'); const { createGunzip } = require('node:zlib');
(async () => { let n = 0; for (const f of workerData) { const g = createGunzip({ chunkSize: 262144 }); g.end(readFileSync(f)); for await (const c of g) n += c.length; } parentPort.postMessage(n); })();\`;
const t0 = performance.now();
const shares = Array.from({ length: ${t} }, (_, k) => files.filter((_, i) => i % ${t} === k));
const sizes = await Promise.all(shares.map((s) => new Promise((res, rej) => { const w = new Worker(body, { eval: true, workerData: s, execArgv: [] }); w.once('message', (n) => { res(n); w.terminate(); }); w.once('error', rej); })));
globalThis.result = { seconds: (performance.now() - t0) / 1000, bytes: sizes.reduce((a, b) => a + b, 0) };`;

/** DuckDB: the digest's GROUP BY (the same key and sums) over read_csv of `files`, on `t` threads; `result.rows` is its row count. */
export const duckCode = (files: string[], t: number) => `
import { DuckDBInstance } from '@duckdb/node-api';
const files = ${JSON.stringify(files)};
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
