/**
 * `flowdigest report` against the commands it must keep pace with, each a whole process
 * (compiled dist/), alternating so drift hits both sides alike:
 *   - from a digest: `report DIGEST.ndjson` vs `merge DIGEST.ndjson` (which reads it the same way);
 *   - from logs: `report LOGS` vs `digest LOGS` (report digests them on the way).
 * The rows: sources shared by a few destinations and ports, 70% private IPv4, 20% public IPv4,
 * 10% IPv6, one REJECT in 17, a scanner touching many hosts, 2 records per row.
 * Run: `npm run build && npx tsx bench/report.ts [--rows 850000] [--rounds 3]`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSizeArg } from './lib/fixture.js';

const rows = parseSizeArg(process.argv.slice(2), '--rows', 850_000);
const rounds = parseSizeArg(process.argv.slice(2), '--rounds', 3);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flowdigest-report-bench-'));
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const PORTS = [443, 22, 53, 80, 8080];

function address(n: number): string {
  const k = n % 10;
  if (k < 7) return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  if (k < 9) return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
  return `2600:1f18:${(n >> 16).toString(16)}::${(n & 0xffff).toString(16)}`;
}

/** Row i's record `half` (0 or 1): the two records of a row share its key. */
function line(i: number, half: number): string {
  const scanner = i % 50 === 0;
  const src = scanner ? '203.0.113.66' : address(Math.floor(i / 5));
  const dst = scanner ? address(i) : `10.200.${((i * 31) % 5000) >> 8}.${((i * 31) % 5000) & 255}`;
  const port = scanner ? 1 + (i % 1024) : PORTS[i % 5],
    proto = port === 53 ? 17 : 6;
  const packets = scanner ? 1 : 1 + (i % 97),
    bytes = scanner ? 44 : packets * (60 + (i % 1400));
  const start = 1768494000 + (i % 300) + half * 60;
  const action = scanner || i % 17 === 0 ? 'REJECT' : 'ACCEPT';
  return `2 ${['123456789012', '210987654321'][i % 2]} eni-${(i % 200).toString(16).padStart(17, '0')} ${src} ${dst} 40000 ${port} ${proto} ${packets} ${bytes} ${start} ${start + 60} ${action} OK`;
}

const logs = join(dir, 'logs');
execFileSync('mkdir', ['-p', logs]);
const perFile = Math.ceil(rows / 4);
for (let f = 0; f < 4; f++) {
  const out: string[] = [HEADER];
  for (let i = f * perFile; i < Math.min(rows, (f + 1) * perFile); i++) out.push(line(i, 0), line(i, 1));
  writeFileSync(join(logs, `part-${f}.log`), `${out.join('\n')}\n`);
}
const digest = join(dir, 'digest.ndjson');
execFileSync(process.execPath, [CLI, 'digest', logs, '-f', 'ndjson', '-q', '-o', digest]);
const counted = spawnSync(process.execPath, [CLI, 'report', digest, '-f', 'json', '-q'], { encoding: 'utf8' });
const digestRows = (JSON.parse(counted.stdout) as { totals: { rows: number } }).totals.rows;
console.log(`${digestRows.toLocaleString('en-US')} digest rows from ${(2 * rows).toLocaleString('en-US')} records\n`);

function time(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`flowdigest ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

const PAIRS: [string, string[], string, string[], number][] = [
  [
    'report DIGEST',
    ['report', digest, '-f', 'json', '-q', '-o', '/dev/null'],
    'merge DIGEST',
    ['merge', digest, '-q', '-o', '/dev/null'],
    1.5,
  ],
  [
    'report LOGS',
    ['report', logs, '-f', 'json', '-q', '-o', '/dev/null'],
    'digest LOGS',
    ['digest', logs, '-q', '-o', '/dev/null'],
    1.2,
  ],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| case | seconds (median) | baseline | seconds (median) | ratio | target |');
console.log('|---|---|---|---|---|---|');
for (const [name, args, baseName, baseArgs, target] of PAIRS) {
  const a: number[] = [],
    b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first.
    if (r % 2 === 0) {
      a.push(time(args));
      b.push(time(baseArgs));
    } else {
      b.push(time(baseArgs));
      a.push(time(args));
    }
  }
  const ratio = median(a) / median(b);
  console.log(
    `| ${name} | ${median(a).toFixed(2)} | ${baseName} | ${median(b).toFixed(2)} | ${ratio.toFixed(2)}× | ≤ ${target}× |`,
  );
}
rmSync(dir, { recursive: true, force: true });
