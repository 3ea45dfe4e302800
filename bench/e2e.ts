/**
 * End-to-end cardinality sweep over two independent population models, so that no one generator
 * flatters the engine. Fixtures of equal size (8 gzip objects, ~230 MB of lines, ~2.0 M lines
 * each, v2 with header, S3 layout) whose digests hold about 1%, 8% and 40% as many rows as
 * records:
 * - population A (fixtures/lib/pool.ts, scanners.ts): a fixed pool of conversations with Zipf
 *   popularity, cardinality from a bounded scanner sweep; plus one 4x larger fixture (4x the
 *   objects) from the same population as its 40% one, so its digest has about the same rows: time
 *   should grow with lines, memory should not;
 * - population B (fixtures/lib/population-b.ts): Zipf-ranked talkers, ENIs drawn per subnet with
 *   Pareto activity, ephemeral ports in 32768-60999 and 1024-65535, 3% IPv6; cardinality from
 *   more talkers (8%) and unbounded Pareto-weighted scanners (40%).
 *
 * For each fixture, each measurement in a fresh process, best of --runs:
 * - the library digest with 1 and 2 workers, writing the text output the way the CLI does
 *   (writeDigest into a sink that counts bytes and drops them), inside the timed region;
 * - the gunzip floor of the same objects on the same number of threads (also timed as a whole
 *   process, spawn to exit);
 * - `flowdigest digest DIR -w 2 -o FILE`, the whole CLI process, as users run it;
 * - DuckDB GROUP BY over read_csv with 2 threads (whole process), if @duckdb/node-api is
 *   installed (`npm i --no-save @duckdb/node-api`). Its row count must equal the digest's: the
 *   run exits 1 if any differs.
 * Every figure is printed as best–worst of the runs, and the summary gives the worst case beside
 * the best.
 *
 * Cardinality comes from the fixture generator's internet scanners (fixtures/lib/scanners.ts):
 * --scanners is the share of records that are scan probes, --scan-space bounds them to a fixed set
 * of keys, sized here to 90% of the probes of one base-size fixture so every key is present.
 *
 *   npm run bench:e2e                               # both populations: 7 fixtures of 230MB (A's 40%x4 920MB)
 *   npm run bench:e2e -- --population B --runs 2
 *   npm run bench:e2e -- --size 30MB --runs 1 --only 40% --no-duckdb
 */
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchFlags } from './lib/args.js';
import { runChild, runProcess, type ChildResult } from './lib/child.js';
import { CLI, DIST, parseSizeArg } from './lib/fixture.js';
import { duckCode, floorCode, hasDuckDB, PEER_THREADS } from './lib/peers.js';
import {
  generatorArgs,
  selectSpecs,
  specName,
  type sweepFixture,
  sweepFixtures,
  SWEEP_SIZE,
  type SweepSpec,
} from './lib/sweep.js';

const USAGE =
  'usage: npm run bench:e2e -- [--population A|B|both] [--size 230MB] [--runs 3] [--only 1%|8%|40%|40%x4] [--no-duckdb]';
const flags = benchFlags(USAGE, {
  size: { type: 'string' },
  runs: { type: 'string' },
  only: { type: 'string' },
  population: { type: 'string' },
  'no-duckdb': { type: 'boolean' },
});
const size = parseSizeArg(['--size', flags.size ?? '230MB'], '--size', SWEEP_SIZE);
const runs = flags.runs === undefined ? 3 : Number(flags.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs needs a positive integer\n${USAGE}`);
  process.exit(2);
}

const WORKERS = [1, 2] as const;

const selected = selectSpecs(flags.population ?? 'both', flags.only);
if (typeof selected === 'string') {
  console.error(`${selected}\n${USAGE}`);
  process.exit(2);
}
const name = specName;

const duckdb = !flags['no-duckdb'] && (await hasDuckDB());
const duckNote = flags['no-duckdb']
  ? 'DuckDB: skipped (--no-duckdb)'
  : duckdb
    ? ''
    : 'DuckDB: not installed (`npm i --no-save @duckdb/node-api` to compare)';

type Fixture = Awaited<ReturnType<typeof sweepFixture>>;
const fixtures = await sweepFixtures(selected, size);

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

/** Best and worst of --runs fresh processes; `seconds` picks the figure (in-process or whole-process). */
interface Runs {
  best: ChildResult;
  worst: ChildResult;
}
async function measure(label: string, run: () => Promise<ChildResult>, seconds = (r: ChildResult) => r.seconds) {
  let bestRun: ChildResult | undefined;
  let worstRun: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await run();
    const wall = r.wallSeconds === undefined ? '' : ` (whole process ${r.wallSeconds.toFixed(2)} s)`;
    console.error(`  ${label}: ${r.seconds.toFixed(2)} s${wall}, ${r.maxRssMB.toFixed(0)} MB RSS`);
    if (bestRun === undefined || seconds(r) < seconds(bestRun)) bestRun = r;
    if (worstRun === undefined || seconds(r) > seconds(worstRun)) worstRun = r;
  }
  return { best: bestRun!, worst: worstRun! } satisfies Runs;
}
const wall = (r: ChildResult) => r.wallSeconds ?? r.seconds;

interface Measured {
  spec: SweepSpec;
  fx: Fixture;
  rows: number;
  records: number;
  outBytes: number;
  digest: Record<number, Runs>;
  floor: Record<number, Runs>;
  cli: Runs;
  cliOutBytes: number;
  duck?: Runs;
}

const cliOut = join(tmpdir(), `flowdigest-bench-e2e-${process.pid}.log`);
const results: Measured[] = [];
for (const [spec, fx] of fixtures) {
  console.error(`\n${name(spec)} (${generatorArgs(spec, size)})`);
  const digest: Record<number, Runs> = {},
    floor: Record<number, Runs> = {};
  for (const t of WORKERS) {
    floor[t] = await measure(`gunzip floor, ${t} thread(s)`, () => runChild(floorCode(fx.files, t)), wall);
    digest[t] = await measure(`digest, ${t} worker(s)`, () => runChild(digestCode(fx.dir, t)));
  }
  const cli = await measure('flowdigest digest -w 2 (whole process)', () =>
    runProcess([CLI, 'digest', fx.dir, '-w', '2', '-o', cliOut]),
  );
  const cliOutBytes = (await stat(cliOut)).size;
  await rm(cliOut, { force: true });
  const duck = duckdb
    ? await measure(`DuckDB GROUP BY, ${PEER_THREADS} threads`, () => runChild(duckCode(fx.files, PEER_THREADS)), wall)
    : undefined;
  const d2 = digest[2].best;
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
const mb = (r: Runs) => Math.max(r.best.maxRssMB, r.worst.maxRssMB).toFixed(0);
/** "best–worst" seconds of some runs. */
const span = (r: Runs, sec = (c: ChildResult) => c.seconds) =>
  runs === 1 ? f2(sec(r.best)) : `${f2(sec(r.best))}–${f2(sec(r.worst))}`;
const ratio = (a: number, b: number) => `${f2(a / b)}x`;
console.log(
  `\nEnd to end, cardinality sweep: best–worst of ${runs}, each run a fresh process; Node ${process.version}; ${DIST}`,
);
console.log(
  `Fixtures: v2 with header, S3 layout (the generator's arguments below); each base fixture ${(size / 1e6).toFixed(0)} MB of lines.`,
);
for (const m of results) console.log(`- ${name(m.spec)}: npx tsx fixtures/generate.ts ${generatorArgs(m.spec, size)}`);
console.log(
  '\nLibrary runs time the digest inside the process; "whole process" times spawn to exit. "x floor" = digest / gunzip floor on the same threads; ' +
    '"x DuckDB" = flowdigest / DuckDB at 2 threads, whole process (below 1 = flowdigest faster). RSS is the peak of all runs.\n',
);
console.log(
  '| population | fixture | lines | rows | rows/records | 1 worker s | floor 1t s | x floor | 2 workers s | MB/s | RSS MB | floor 2t s | x floor | ' +
    'CLI -w 2 s (whole process) | CLI RSS MB | floor 2t s (whole process) | CLI x floor | DuckDB 2t s (whole process) | DuckDB RSS MB | CLI x DuckDB |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const m of results) {
  const [d1, d2, g1, g2] = [m.digest[1], m.digest[2], m.floor[1], m.floor[2]];
  const dk = m.duck;
  console.log(
    `| ${m.spec.population} | ${m.spec.label} | ${(m.fx.lines / 1e6).toFixed(2)}M | ${m.rows} | ${((100 * m.rows) / m.records).toFixed(1)}% | ` +
      `${span(d1)} | ${span(g1)} | ${ratio(d1.best.seconds, g1.best.seconds)} | ` +
      `${span(d2)} | ${((d2.best.bytes as number) / 1e6 / d2.best.seconds).toFixed(0)} | ${mb(d2)} | ${span(g2)} | ${ratio(d2.best.seconds, g2.best.seconds)} | ` +
      `${span(m.cli)} | ${mb(m.cli)} | ${span(g2, wall)} | ${ratio(m.cli.best.seconds, wall(g2.best))} | ` +
      (dk ? `${span(dk, wall)} | ${mb(dk)} | ${ratio(m.cli.best.seconds, wall(dk.best))} |` : '- | - | - |'),
  );
}

/** The worst case beside the best over every fixture, for one ratio (bigger = worse). */
const extremes = (label: string, pick: (m: Measured) => number | undefined) => {
  const xs = results.flatMap((m) => {
    const v = pick(m);
    return v === undefined ? [] : [{ v, label: name(m.spec) }];
  });
  if (xs.length === 0) return `- ${label}: -`;
  const worst = xs.reduce((a, b) => (b.v > a.v ? b : a)),
    bestX = xs.reduce((a, b) => (b.v < a.v ? b : a));
  return `- ${label}: worst ${f2(worst.v)}x (${worst.label}), best ${f2(bestX.v)}x (${bestX.label})`;
};
console.log('\nWorst beside best (each case at its best run; bigger is worse):');
console.log(
  [
    extremes('CLI -w 2 / gunzip floor 2t, whole processes', (m) => m.cli.best.seconds / wall(m.floor[2].best)),
    extremes('CLI -w 2 / DuckDB 2t, whole processes', (m) =>
      m.duck ? m.cli.best.seconds / wall(m.duck.best) : undefined,
    ),
    extremes('library, 2 workers / gunzip floor 2t', (m) => m.digest[2].best.seconds / m.floor[2].best.seconds),
    extremes('library, 1 worker / gunzip floor 1t', (m) => m.digest[1].best.seconds / m.floor[1].best.seconds),
    extremes('CLI peak RSS / DuckDB peak RSS', (m) =>
      m.duck
        ? Math.max(m.cli.best.maxRssMB, m.cli.worst.maxRssMB) / Math.max(m.duck.best.maxRssMB, m.duck.worst.maxRssMB)
        : undefined,
    ),
  ].join('\n'),
);
for (const p of ['A', 'B'] as const) {
  const one = results.find((m) => m.spec.population === p && m.spec.label === '1%');
  const forty = results.find((m) => m.spec.population === p && m.spec.label === '40%');
  if (one && forty)
    console.log(
      `- population ${p}: CLI at 40% takes ${f2(forty.cli.best.seconds / one.cli.best.seconds)}x the time of 1%`,
    );
}

// Checks: the same rows as DuckDB, and the CLI wrote the same bytes as the library's writeDigest.
let mismatches = 0;
for (const m of results) {
  if (m.duck && m.duck.best.rows !== m.rows) {
    mismatches++;
    console.log(`MISMATCH ${name(m.spec)}: DuckDB has ${m.duck.best.rows} rows, flowdigest ${m.rows}`);
  }
  if (m.cliOutBytes !== m.outBytes) {
    mismatches++;
    console.log(`MISMATCH ${name(m.spec)}: the CLI wrote ${m.cliOutBytes} bytes, writeDigest ${m.outBytes}`);
  }
}
if (duckdb && mismatches === 0) console.log("\nEvery digest has as many rows as DuckDB's GROUP BY.");
const base = results.find((m) => m.spec.population === 'A' && m.spec.label === '40%'),
  big = results.find((m) => m.spec.label === '40%x4');
if (base && big) {
  console.log(
    `Scaling, A 40% -> 40%x4: ${f2(big.fx.lines / base.fx.lines)}x the lines, rows ${base.rows} -> ${big.rows}; ` +
      `2 workers ${f2(big.digest[2].best.seconds / base.digest[2].best.seconds)}x the time, peak RSS ${mb(base.digest[2])} -> ${mb(big.digest[2])} MB; ` +
      `CLI ${f2(big.cli.best.seconds / base.cli.best.seconds)}x the time, ${mb(base.cli)} -> ${mb(big.cli)} MB`,
  );
}
if (duckNote) console.log(duckNote);
if (mismatches > 0) process.exitCode = 1;
