/**
 * End-to-end cardinality sweep. Fixtures of equal size (8 gzip objects, ~230 MB of lines, ~2.0 M
 * lines each, v2 with header, S3 layout) whose digests hold about 1%, 8% and 40% as many rows as
 * records, plus one 4x larger (4x the objects) drawn from the same conversation and scanner
 * population as the 40% one, so its digest has about the same rows: time should grow with lines,
 * memory should not.
 *
 * For each fixture, each measurement in a fresh process, best of --runs:
 * - the library digest with 1 and 2 workers, writing the text output the way the CLI does
 *   (writeDigest into a sink that counts bytes and drops them), inside the timed region;
 * - the gunzip floor of the same objects on the same number of threads;
 * - `flowdigest digest DIR -w 2 -o FILE`, the whole CLI process, as users run it;
 * - DuckDB GROUP BY over read_csv with 2 threads, if @duckdb/node-api is installed
 *   (`npm i --no-save @duckdb/node-api`).
 *
 * Cardinality comes from the fixture generator's internet scanners (fixtures/lib/scanners.ts):
 * --scanners is the share of records that are scan probes, --scan-space bounds them to a fixed set
 * of keys, sized here to 90% of the probes of one base-size fixture so every key is present.
 *
 *   npm run bench:e2e                               # 4 fixtures of 230MB (the last 920MB)
 *   npm run bench:e2e -- --size 30MB --runs 1 --only 40% --no-duckdb
 */
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { probesAmong } from '../fixtures/lib/scanners.js';
import { runChild, runProcess, type ChildResult } from './lib/child.js';
import { benchFixture, CLI, DIST, parseSizeArg } from './lib/fixture.js';

const USAGE = 'usage: npm run bench:e2e -- [--size 230MB] [--runs 3] [--only 1%|8%|40%|40%x4] [--no-duckdb]';
const { values: flags } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        size: { type: 'string' },
        runs: { type: 'string' },
        only: { type: 'string' },
        'no-duckdb': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const size = parseSizeArg(['--size', flags.size ?? '230MB'], '--size', 230e6);
const runs = flags.runs === undefined ? 3 : Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs needs a positive integer\n${USAGE}`);
  process.exit(2);
}

const OBJECTS = 8;
const SEED = 1;
// The conversation pool: 7,000 at 230 MB (about 1% rows per record on its own at 2 M lines), in
// proportion at other sizes so the shares hold; the 4x run keeps the base size's pool.
const CONVERSATIONS = Math.max(100, Math.round((7000 * size) / 230e6));
const BYTES_PER_LINE = 116; // measured mean line length of these fixtures, for sizing the scan space
const SATURATE = 0.9; // scan space = 90% of the probes of a base-size fixture: every key appears
const WORKERS = [1, 2] as const;
const PEER_THREADS = 2;

interface Spec {
  label: string;
  scanners: number;
  scale: number;
}
// scanners tuned so that rows/records is ~1%, ~8%, ~40% (≈ 0.0105 + 0.9 * scanners).
const SPECS: Spec[] = [
  { label: '1%', scanners: 0, scale: 1 },
  { label: '8%', scanners: 0.078, scale: 1 },
  { label: '40%', scanners: 0.45, scale: 1 },
  { label: '40%x4', scanners: 0.45, scale: 4 }, // the 40% population, 4x the records
];
const norm = (s: string) => s.replace(/%/g, '').toLowerCase();
const selected = flags.only === undefined ? SPECS : SPECS.filter((s) => norm(s.label) === norm(flags.only!));
if (selected.length === 0) {
  console.error(`--only: no fixture "${flags.only}" (have ${SPECS.map((s) => s.label).join(', ')})`);
  process.exit(2);
}

let duckdb = !flags['no-duckdb'];
let duckNote = flags['no-duckdb'] ? 'DuckDB: skipped (--no-duckdb)' : '';
if (duckdb) {
  try {
    await import('@duckdb/node-api' as string);
  } catch {
    duckdb = false;
    duckNote = 'DuckDB: not installed (`npm i --no-save @duckdb/node-api` to compare)';
  }
}

// The same scan space for a fixture and its 4x: it is sized from the base size, not the scaled one.
const scanSpaceOf = (s: Spec) =>
  s.scanners === 0 ? 0 : Math.round(SATURATE * probesAmong(size / BYTES_PER_LINE, s.scanners));
const generatorArgs = (s: Spec) =>
  `--size ${Math.round((size * s.scale) / 1e6)}MB --objects ${OBJECTS * s.scale} --seed ${SEED} --conversations ${CONVERSATIONS}` +
  (s.scanners > 0 ? ` --scanners ${s.scanners} --scan-space ${scanSpaceOf(s)}` : '');

type Fixture = Awaited<ReturnType<typeof benchFixture>>;
const fixtures = new Map<Spec, Fixture>();
for (const s of selected) {
  const t0 = performance.now();
  const fx = await benchFixture(size * s.scale, OBJECTS * s.scale, SEED, CONVERSATIONS, {
    scanners: s.scanners,
    scanSpace: scanSpaceOf(s),
  });
  fixtures.set(s, fx);
  console.error(
    `fixture ${s.label}: ${fx.dir} (${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines, ${fx.lines} lines; ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

const floorCode = (files: string[], t: number) => `
import { Worker } from 'node:worker_threads';
const files = ${JSON.stringify(files)};
const body = \`const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs'); const { createGunzip } = require('node:zlib');
(async () => { let n = 0; for (const f of workerData) { const g = createGunzip({ chunkSize: 262144 }); g.end(readFileSync(f)); for await (const c of g) n += c.length; } parentPort.postMessage(n); })();\`;
const t0 = performance.now();
const shares = Array.from({ length: ${t} }, (_, k) => files.filter((_, i) => i % ${t} === k));
const sizes = await Promise.all(shares.map((s) => new Promise((res, rej) => { const w = new Worker(body, { eval: true, workerData: s, execArgv: [] }); w.once('message', (n) => { res(n); w.terminate(); }); w.once('error', rej); })));
globalThis.result = { seconds: (performance.now() - t0) / 1000, bytes: sizes.reduce((a, b) => a + b, 0) };`;

// The output goes through writeDigest, as the CLI writes it, into a sink that only counts bytes.
const digestCode = (dir: string, t: number) => `
import { Writable } from 'node:stream';
import { createDigester, writeDigest } from ${JSON.stringify(DIST)};
const t0 = performance.now();
const d = createDigester({ threads: ${t} });
const digest = await d.digest([${JSON.stringify(dir)}]);
let out = 0;
const sink = new Writable({ write(chunk, _encoding, done) { out += chunk.length; done(); } });
await writeDigest(digest, sink, 'text');
const seconds = (performance.now() - t0) / 1000;
await d.close();
globalThis.result = { seconds, rows: digest.size, lines: digest.stats.lines, records: digest.stats.records, bytes: digest.stats.bytesRead, out };`;

const duckCode = (files: string[], t: number) => `
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

async function best(label: string, run: () => Promise<ChildResult>): Promise<ChildResult> {
  let bestRun: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await run();
    console.error(`  ${label}: ${r.seconds.toFixed(2)} s, ${r.maxRssMB.toFixed(0)} MB RSS`);
    if (bestRun === undefined || r.seconds < bestRun.seconds) bestRun = r;
  }
  return bestRun!;
}

interface Measured {
  spec: Spec;
  fx: Fixture;
  rows: number;
  records: number;
  outBytes: number;
  digest: Record<number, ChildResult>;
  floor: Record<number, ChildResult>;
  cli: ChildResult;
  cliOutBytes: number;
  duck?: ChildResult;
}

const cliOut = join(tmpdir(), `flowdigest-bench-e2e-${process.pid}.log`);
const results: Measured[] = [];
for (const [spec, fx] of fixtures) {
  console.error(`\n${spec.label} (${generatorArgs(spec)})`);
  const digest: Record<number, ChildResult> = {},
    floor: Record<number, ChildResult> = {};
  for (const t of WORKERS) {
    floor[t] = await best(`gunzip floor, ${t} thread(s)`, () => runChild(floorCode(fx.files, t)));
    digest[t] = await best(`digest, ${t} worker(s)`, () => runChild(digestCode(fx.dir, t)));
  }
  const cli = await best('flowdigest digest -w 2 (whole process)', () =>
    runProcess([CLI, 'digest', fx.dir, '-w', '2', '-o', cliOut]),
  );
  const cliOutBytes = (await stat(cliOut)).size;
  await rm(cliOut, { force: true });
  const duck = duckdb
    ? await best(`DuckDB GROUP BY, ${PEER_THREADS} threads`, () => runChild(duckCode(fx.files, PEER_THREADS)))
    : undefined;
  const d2 = digest[2];
  results.push({
    spec,
    fx,
    rows: d2.rows as number,
    records: d2.records as number,
    outBytes: d2.out as number,
    digest,
    floor,
    cli,
    cliOutBytes,
    duck,
  });
  console.error(
    `  rows ${d2.rows} of ${d2.records} records (${((100 * (d2.rows as number)) / (d2.records as number)).toFixed(2)}%)`,
  );
}

const f2 = (x: number) => x.toFixed(2);
const mb = (r: ChildResult) => r.maxRssMB.toFixed(0);
const ratio = (a: number, b: number) => `${f2(a / b)}x`;
console.log(
  `\nEnd to end, cardinality sweep: best of ${runs}, each run a fresh process; Node ${process.version}; ${DIST}`,
);
console.log(
  `Fixtures: v2 with header, S3 layout, seed ${SEED}; each base fixture ${(size / 1e6).toFixed(0)} MB of lines in ${OBJECTS} gzip objects.`,
);
for (const m of results) console.log(`- ${m.spec.label}: npx tsx fixtures/generate.ts ${generatorArgs(m.spec)}`);
console.log(
  '\nSeconds are wall time; "x floor" = digest / gunzip floor on the same threads; "x DuckDB" = flowdigest / DuckDB at 2 threads (below 1 = flowdigest faster).\n',
);
console.log(
  '| fixture | lines | rows | rows/records | 1 worker s | RSS MB | floor 1t s | x floor | 2 workers s | MB/s | RSS MB | floor 2t s | x floor | CLI -w 2 s | CLI RSS MB | DuckDB 2t s | DuckDB RSS MB | 2 workers x DuckDB | CLI x DuckDB |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const m of results) {
  const [d1, d2, g1, g2] = [m.digest[1], m.digest[2], m.floor[1], m.floor[2]];
  const dk = m.duck;
  console.log(
    `| ${m.spec.label} | ${(m.fx.lines / 1e6).toFixed(2)}M | ${m.rows} | ${((100 * m.rows) / m.records).toFixed(1)}% | ` +
      `${f2(d1.seconds)} | ${mb(d1)} | ${f2(g1.seconds)} | ${ratio(d1.seconds, g1.seconds)} | ` +
      `${f2(d2.seconds)} | ${((d2.bytes as number) / 1e6 / d2.seconds).toFixed(0)} | ${mb(d2)} | ${f2(g2.seconds)} | ${ratio(d2.seconds, g2.seconds)} | ` +
      `${f2(m.cli.seconds)} | ${mb(m.cli)} | ` +
      (dk
        ? `${f2(dk.seconds)} | ${mb(dk)} | ${ratio(d2.seconds, dk.seconds)} | ${ratio(m.cli.seconds, dk.seconds)} |`
        : '- | - | - | - |'),
  );
}

const extremes = (name: string, pick: (m: Measured) => number | undefined) => {
  const xs = results.flatMap((m) => {
    const v = pick(m);
    return v === undefined ? [] : [{ v, label: m.spec.label }];
  });
  if (xs.length === 0) return `${name}: -`;
  const worst = xs.reduce((a, b) => (b.v > a.v ? b : a)),
    bestX = xs.reduce((a, b) => (b.v < a.v ? b : a));
  return `${name}: worst ${f2(worst.v)}x (${worst.label}), best ${f2(bestX.v)}x (${bestX.label})`;
};
console.log('');
console.log(
  [
    extremes('Ratio to gunzip floor, 2 workers', (m) => m.digest[2].seconds / m.floor[2].seconds),
    extremes('1 worker', (m) => m.digest[1].seconds / m.floor[1].seconds),
    extremes('Time / DuckDB, 2 workers', (m) => (m.duck ? m.digest[2].seconds / m.duck.seconds : undefined)),
    extremes('CLI', (m) => (m.duck ? m.cli.seconds / m.duck.seconds : undefined)),
  ].join('; '),
);

// Sanity: the same rows as DuckDB, and the CLI wrote the same bytes as the library's writeDigest.
for (const m of results) {
  if (m.duck && m.duck.rows !== m.rows)
    console.log(`WARNING ${m.spec.label}: DuckDB has ${m.duck.rows} rows, flowdigest ${m.rows}`);
  if (m.cliOutBytes !== m.outBytes)
    console.log(`WARNING ${m.spec.label}: the CLI wrote ${m.cliOutBytes} bytes, writeDigest ${m.outBytes}`);
}
const base = results.find((m) => m.spec.label === '40%'),
  big = results.find((m) => m.spec.label === '40%x4');
if (base && big) {
  console.log(
    `Scaling, 40% -> 40%x4: ${f2(big.fx.lines / base.fx.lines)}x the lines, rows ${base.rows} -> ${big.rows}; ` +
      `2 workers ${f2(big.digest[2].seconds / base.digest[2].seconds)}x the time, peak RSS ${mb(base.digest[2])} -> ${mb(big.digest[2])} MB; ` +
      `CLI ${f2(big.cli.seconds / base.cli.seconds)}x the time, ${mb(base.cli)} -> ${mb(big.cli)} MB`,
  );
}
if (duckNote) console.log(duckNote);
