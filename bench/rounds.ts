/**
 * The e2e sweep round by round: in each round and for each fixture, `flowdigest digest DIR -w 2
 * -o FILE` (and, with --base, another build's CLI), DuckDB's GROUP BY and the gunzip floor, each
 * a whole process, one after the other; every ratio is taken within its round and the medians of
 * those ratios are printed with their spread. This is how docs/performance.md's "Now" tables are
 * measured: a machine that slows down for a minute slows every side of the rounds in that minute,
 * and best-of-N figures (bench/e2e.ts) would pair a lucky run of one side with an unlucky one of
 * the other.
 *
 * CPU is user + system time of the whole process, all its threads, read as it exits; wall time is
 * spawn to exit. The digest's row count (its output's lines, less the header) must equal
 * DuckDB's: the bench exits 1 if any differs, or if a base build's output differs from this one's.
 *
 *   npm run bench:rounds                                   # 8 rounds, both populations, 1% 8% 40%
 *   npm run bench:rounds -- --rounds 12 --only 40%
 *   npm run bench:rounds -- --base /tmp/b-REV/dist/cli/main.js --population B
 *
 * DuckDB comes from `npm i --no-save @duckdb/node-api`; without it the rounds have no DuckDB
 * column.
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { benchFlags } from './lib/args.js';
import { type ChildResult, runChild, runProcess } from './lib/child.js';
import { CLI, parseSizeArg } from './lib/fixture.js';
import { duckCode, floorCode, hasDuckDB, PEER_THREADS } from './lib/peers.js';
import { selectSpecs, specName, SWEEP_SIZE, type SweepSpec, sweepFixtures } from './lib/sweep.js';

const USAGE =
  'usage: npm run bench:rounds -- [--rounds 8] [--population A|B|both] [--only 1%|8%|40%|40%x4] [--size 230MB] [--base OTHER/dist/cli/main.js]';
const flags = benchFlags(USAGE, {
  rounds: { type: 'string' },
  population: { type: 'string' },
  only: { type: 'string' },
  size: { type: 'string' },
  base: { type: 'string' },
});
const rounds = Number(flags.rounds ?? 8);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds needs a positive integer\n${USAGE}`);
  process.exit(2);
}
const size = parseSizeArg(['--size', flags.size ?? '230MB'], '--size', SWEEP_SIZE);
// The 4x fixture is bench:e2e's question (does memory stay flat?), not a round's.
const chosen = selectSpecs(flags.population ?? 'both', flags.only);
if (typeof chosen === 'string') {
  console.error(`${chosen}\n${USAGE}`);
  process.exit(2);
}
const specs = flags.only === undefined ? chosen.filter((s) => s.scale === 1) : chosen;
const base = flags.base === undefined ? undefined : resolve(flags.base);
const duckdb = await hasDuckDB();
const fixtures = await sweepFixtures(specs, size);
const ROOT_OUT = dirname([...fixtures.values()][0].dir);

/** One round's measurements of one fixture. */
interface Round {
  now: ChildResult;
  base?: ChildResult;
  duck?: ChildResult;
  floor: ChildResult;
}
const measured = new Map<SweepSpec, Round[]>(specs.map((s) => [s, []]));
// Beside the fixtures, on the project's disk: a /tmp on tmpfs would make the digest's fsync free.
const out = (which: string) => join(ROOT_OUT, `.rounds-${process.pid}-${which}.log`);

/** Rows in a text digest: its lines less the header. */
async function rowsOf(file: string): Promise<number> {
  const text = await readFile(file);
  let lines = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) lines++;
  return lines - 1;
}

let failed = false;
const cliRun = (cli: string, dir: string, file: string) =>
  runProcess([cli, 'digest', dir, '-w', '2', '-q', '-o', file]);
for (let r = 1; r <= rounds; r++) {
  for (const [spec, fx] of fixtures) {
    const now = await cliRun(CLI, fx.dir, out('now'));
    const rows = await rowsOf(out('now'));
    const round: Partial<Round> & { now: ChildResult } = { now };
    if (base !== undefined) {
      round.base = await cliRun(base, fx.dir, out('base'));
      const [a, b] = await Promise.all([readFile(out('now')), readFile(out('base'))]);
      if (!a.equals(b)) {
        console.error(`${specName(spec)}: the base build's digest differs from this build's`);
        failed = true;
      }
    }
    if (duckdb) {
      round.duck = await runChild(duckCode(fx.files, PEER_THREADS));
      if (round.duck.rows !== rows) {
        console.error(`${specName(spec)}: DuckDB has ${round.duck.rows} rows, the digest ${rows}`);
        failed = true;
      }
    }
    const floor = await runChild(floorCode(fx.files, PEER_THREADS));
    measured.get(spec)!.push({ ...round, floor });
    console.error(
      `round ${r} ${specName(spec)}: ${rows} rows; digest ${wall(now).toFixed(2)} s, ${now.cpuSeconds.toFixed(2)} s CPU, ${now.maxRssMB.toFixed(0)} MB` +
        (round.base
          ? `; base ${wall(round.base).toFixed(2)} s, ${round.base.cpuSeconds.toFixed(2)} s CPU, ${round.base.maxRssMB.toFixed(0)} MB`
          : '') +
        (round.duck ? `; DuckDB ${wall(round.duck).toFixed(2)} s, ${round.duck.cpuSeconds.toFixed(2)} s CPU` : '') +
        `; floor ${wall(floor).toFixed(2)} s`,
    );
  }
}
await Promise.all(['now', 'base'].map((w) => rm(out(w), { force: true })));

function wall(r: ChildResult): number {
  return r.wallSeconds ?? r.seconds;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** The median of per-round ratios, with their spread. */
const ratio = (rs: Round[], a: (r: Round) => number, b: (r: Round) => number) => {
  const xs = rs.map((r) => a(r) / b(r));
  return `${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
};
const mid = (rs: Round[], f: (r: Round) => number, digits = 2) => median(rs.map(f)).toFixed(digits);
type Side = 'now' | 'base' | 'duck' | 'floor';
const cpuOf = (side: Side) => (r: Round) => r[side]!.cpuSeconds;
const wallOf = (side: Side) => (r: Round) => wall(r[side]!);
/** Its CPU and wall time against `side`'s, round by round. */
const against = (rs: Round[], side: Side) => [
  ratio(rs, cpuOf('now'), cpuOf(side)),
  ratio(rs, wallOf('now'), wallOf(side)),
];

console.log(
  `\nRounds: ${rounds}, each fixture's processes in the order digest${base ? ', base' : ''}${duckdb ? ', DuckDB' : ''}, floor; Node ${process.version}. Medians; ratios taken round by round (their spread).\n`,
);
const withDuck = duckdb ? ' CPU ÷ DuckDB | wall ÷ DuckDB | DuckDB CPU s / wall s / MB |' : '';
const withBase = base ? ' CPU ÷ base | wall ÷ base |' : '';
console.log(`| fixture | digest CPU s | digest wall s | peak MB |${withBase}${withDuck} wall ÷ floor (floor s) |`);
console.log(`|---|---|---|---|${base ? '---|---|' : ''}${duckdb ? '---|---|---|' : ''}---|`);
for (const [spec, rs] of measured) {
  const cells = [
    specName(spec),
    mid(rs, cpuOf('now')),
    mid(rs, wallOf('now')),
    mid(rs, (r) => r.now.maxRssMB, 0),
    ...(base ? against(rs, 'base') : []),
    ...(duckdb
      ? [
          ...against(rs, 'duck'),
          `${mid(rs, cpuOf('duck'))} / ${mid(rs, wallOf('duck'))} / ${mid(rs, (r) => r.duck!.maxRssMB, 0)}`,
        ]
      : []),
    `${ratio(rs, wallOf('now'), wallOf('floor'))} (${mid(rs, wallOf('floor'))})`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
if (!duckdb) console.log('\nDuckDB: not installed (`npm i --no-save @duckdb/node-api` to compare).');
if (failed) process.exit(1);
