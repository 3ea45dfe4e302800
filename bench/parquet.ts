/**
 * The same records as gzip text and as Parquet (GZIP pages, AWS's columns and types), digested
 * by the CLI as whole processes (-w 2), at 1% and 40% cardinality (the e2e bench's populations),
 * with DuckDB's read_parquet GROUP BY at 2 threads beside them when @duckdb/node-api is installed
 * (`npm i --no-save @duckdb/node-api`). An existing Parquet twin (`DIR-parquet`) is reused as it is.
 * Runs alternate text / Parquet / DuckDB; the best of
 * --runs is kept. Checks that text and Parquet give the same digest bytes.
 *
 *   npm run bench:parquet -- [--size 100MB] [--runs 3] [--only 1%|40%]
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { probesAmong } from '../fixtures/lib/scanners.js';
import { writeParquetTwin } from '../fixtures/to-parquet.js';
import { runChild, runProcess, type ChildResult } from './lib/child.js';
import { benchFixture, CLI } from './lib/fixture.js';
import { hasDuckDB } from './lib/peers.js';

const { values } = parseArgs({
  options: { size: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' } },
});
const size = values.size === undefined ? 100e6 : Number.parseFloat(values.size) * 1e6;
const runs = Number(values.runs ?? 3);
const OBJECTS = 8;
const CONVERSATIONS = Math.max(100, Math.round((7000 * size) / 230e6));
const SPECS = [
  { label: '1%', scanners: 0 },
  { label: '40%', scanners: 0.45 },
].filter((s) => values.only === undefined || s.label === values.only);

const duckdb = await hasDuckDB();

const duckCode = (files: string[]) => `
import { DuckDBInstance } from '@duckdb/node-api';
const t0 = performance.now();
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();
const sql = \`WITH r AS (SELECT account_id a, interface_id i, srcaddr s, dstaddr d, srcport sp, dstport dp, protocol p, packets pk, bytes b, start st, "end" en, action ac
  FROM read_parquet([${files.map((f) => `'${f}'`).join(',')}]) WHERE log_status = 'OK')
SELECT a, i, s, d, CASE WHEN sp > 0 AND dp > 0 AND sp >= dp THEN 0 ELSE sp END AS sp2, CASE WHEN sp > 0 AND dp > 0 AND sp < dp THEN 0 ELSE dp END AS dp2,
  p, ac, sum(pk), sum(b), min(st), max(en), count(*) FROM r GROUP BY ALL\`;
const reader = await con.runAndReadAll(sql);
globalThis.result = { seconds: (performance.now() - t0) / 1000, rows: reader.currentRowCount };`;

/** The `.log.parquet` files under `dir`, or null when there is no such folder or it holds none. */
async function parquetFiles(dir: string): Promise<string[] | null> {
  const entries = await readdir(dir, { recursive: true }).catch(() => null);
  const files = (entries ?? []).filter((f) => f.endsWith('.log.parquet')).sort();
  return files.length === 0 ? null : files.map((f) => join(dir, f));
}

const out = join(tmpdir(), `flowdigest-bench-parquet-${process.pid}`);
const lines: string[] = [];
for (const spec of SPECS) {
  const scanSpace = spec.scanners === 0 ? 0 : Math.round(0.9 * probesAmong(size / 116, spec.scanners));
  const fx = await benchFixture(size, OBJECTS, 1, CONVERSATIONS, { scanners: spec.scanners, scanSpace });
  const pq = `${fx.dir}-parquet`;
  // An existing twin is reused, never rewritten (fixtures may be hard links shared with other checkouts).
  const pqFiles = (await parquetFiles(pq)) ?? (await writeParquetTwin(fx.dir, pq));
  const best: Record<string, ChildResult> = {};
  const keep = (k: string, r: ChildResult) => {
    console.error(`  ${spec.label} ${k}: ${r.seconds.toFixed(2)} s, ${r.maxRssMB.toFixed(0)} MB`);
    if (best[k] === undefined || r.seconds < best[k].seconds) best[k] = r;
  };
  for (let i = 0; i < runs; i++) {
    keep('text', await runProcess([CLI, 'digest', fx.dir, '-w', '2', '-q', '-o', `${out}-t`]));
    keep('parquet', await runProcess([CLI, 'digest', pq, '-w', '2', '-q', '-o', `${out}-p`]));
    if (duckdb) keep('duckdb', await runChild(duckCode(pqFiles)));
  }
  const same = (await readFile(`${out}-t`)).equals(await readFile(`${out}-p`));
  const t = best.text,
    p = best.parquet,
    d = best.duckdb;
  lines.push(
    `| ${spec.label} | ${(fx.bytes / 1e6).toFixed(0)} MB | ${t.seconds.toFixed(2)} s (${t.maxRssMB.toFixed(0)} MB) | ${p.seconds.toFixed(2)} s (${p.maxRssMB.toFixed(0)} MB) | ${(p.seconds / t.seconds).toFixed(2)} | ${d ? `${d.seconds.toFixed(2)} s (${d.maxRssMB.toFixed(0)} MB)` : 'not installed'} | ${same ? 'yes' : 'NO'} |`,
  );
}
await rm(`${out}-t`, { force: true });
await rm(`${out}-p`, { force: true });
console.log(
  '| fixture | lines | text gzip, CLI -w 2 | Parquet, CLI -w 2 | Parquet / text | DuckDB read_parquet 2t | same digest |',
);
console.log('|---|---|---|---|---|---|---|');
for (const l of lines) console.log(l);
