/**
 * Where the kernel's time goes, instruction by instruction: `bench/kernel-scan.ts` (the scan step
 * alone, on a fixture's objects) run under Linux `perf record` with V8's `--perf-prof`, so that
 * perf names the kernel's functions as V8 compiled them (`JS:scan-17-turbofan`) and annotates
 * their machine code. Prints the symbols taking the most samples, then, for each kernel function
 * named, its hottest instructions with the few before them (on this machine's virtual CPUs perf
 * has only the cpu-clock event, which charges a stalled load to the instruction after it).
 *
 * perf's files (the JIT dumps, the per-function objects perf inject writes beside them, its own
 * data) go to a temporary folder, removed at the end; `--keep DIR` keeps them there instead.
 *
 *   npm run build && node --import tsx bench/kernel-perf.ts DIR [--fn scan,run_merge] [--objects 8] [--rounds 3] [--keep DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE =
  'usage: node --import tsx bench/kernel-perf.ts DIR [--fn scan,run_merge] [--objects 8] [--rounds 3] [--keep DIR]';
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    fn: { type: 'string', default: 'scan' },
    objects: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}

/** Run a command; its standard output, or exit with what it printed when it fails. */
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error !== undefined || r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`}\n${r.stderr ?? ''}`);
    process.exit(1);
  }
  return r.stdout;
}

if (spawnSync('perf', ['--version']).status !== 0) {
  console.error('kernel-perf: Linux perf is not installed (Debian: apt-get install linux-perf)');
  process.exit(1);
}

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = values.keep === undefined ? mkdtempSync(join(tmpdir(), 'flowdigest-perf-')) : resolve(values.keep);
mkdirSync(work, { recursive: true });
try {
  // Run from the work folder: V8 writes its JIT dumps to the current folder, and perf inject its
  // per-function objects beside them, where perf annotate then looks for them.
  const bench = [join(repo, 'bench/kernel-scan.ts'), resolve(positionals[0])];
  const node = [process.execPath, '--perf-prof', '--import', import.meta.resolve('tsx')];
  const perfRecord = ['record', '-e', 'cpu-clock', '-k', 'mono', '-o', 'perf.data', '--'];
  const counts = ['--objects', values.objects, '--rounds', values.rounds];
  process.stdout.write(run('perf', [...perfRecord, ...node, ...bench, ...counts], work));
  run('perf', ['inject', '--jit', '-i', 'perf.data', '-o', 'perf.jit.data'], work);
  const report = run('perf', ['report', '-i', 'perf.jit.data', '--stdio', '--sort', 'sym'], work);
  console.log('\nSymbols by samples (the whole process):');
  console.log(
    report
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .slice(0, 15)
      .join('\n'),
  );
  for (const fn of values.fn.split(',')) {
    const symbol = new RegExp(`JS:${fn}-\\d+-turbofan`).exec(report)?.[0];
    if (symbol === undefined) {
      console.log(`\n${fn}: no optimized code of that name was sampled`);
      continue;
    }
    console.log(`\n${symbol}: its hottest instructions (% of its samples), each after the three before it`);
    console.log(hottest(run('perf', ['annotate', '-i', 'perf.jit.data', '--stdio', '-s', symbol], work), 8));
  }
} finally {
  if (values.keep === undefined) rmSync(work, { recursive: true, force: true });
}

/** The `n` instructions of an annotation with the most samples, in address order, with context. */
function hottest(annotation: string, n: number): string {
  const lines = annotation.split('\n').filter((l) => /^\s+\d+\.\d+ :\s+[0-9a-f]+:/.test(l));
  const share = (l: string) => Number.parseFloat(l);
  const top = lines
    .map((l, i) => ({ i, pct: share(l) }))
    .sort((a, b) => b.pct - a.pct)
    .slice(0, n)
    .sort((a, b) => a.i - b.i);
  return top.map(({ i }) => lines.slice(Math.max(0, i - 3), i + 1).join('\n')).join('\n    ...\n');
}
