/**
 * One long line on stdin: `flowdigest digest - -q` fed a record, one line of N MB of 'A', and a
 * record, for N = 10, 20, 40, 80. Time (spawn to exit) and peak RSS of the whole process. The
 * line is over the 1 MiB line limit: it must cost linear time and bounded memory, and count as
 * one malformed record.
 *
 *   node --import tsx bench/long-lines.ts                        (this checkout's dist/)
 *   node --import tsx bench/long-lines.ts --cli OTHER/dist/cli/main.js --timeout 30
 *
 * A run over --timeout seconds (default 60) is stopped and shown as "> T s".
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const cli = opt('--cli', fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)));
const timeout = Number(opt('--timeout', '60'));
const sizes = opt('--sizes', '10,20,40,80').split(',').map(Number);

const RECORD = '2 123456789012 eni-1 10.0.0.1 10.0.0.2 50000 443 6 1 100 1000 1060 ACCEPT OK\n';
// Reports the process's peak RSS (all threads) on exit to a file, without touching its output.
const RSS_ON_EXIT =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeFileSync } from 'node:fs'; process.on('exit', () => " +
      'writeFileSync(process.env.FLOWDIGEST_BENCH_RSS, String(process.resourceUsage().maxRSS)));',
  );

async function run(mb: number): Promise<{ seconds: number; rssMB: number | null; stderr: string; timedOut: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'flowdigest-long-'));
  const rssFile = join(dir, 'rss');
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', RSS_ON_EXIT, cli, 'digest', '-'], {
      env: { ...process.env, FLOWDIGEST_BENCH_RSS: rssFile },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '',
      timedOut = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdin.on('error', () => {
      /* the child was stopped: it no longer reads */
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout * 1000);
    // The line is written in 1 MiB pieces as the child takes them: the bench holds none of it.
    const piece = Buffer.alloc(1 << 20, 'A');
    let closed = false;
    const gone = new Promise<void>((resolve) =>
      child.on('close', () => {
        closed = true;
        resolve();
      }),
    );
    // Resolves on drain, or when the child is gone (stopped: no drain will come).
    const write = (b: Buffer | string): Promise<void> =>
      closed || child.stdin.write(b)
        ? Promise.resolve()
        : Promise.race([new Promise<void>((resolve) => child.stdin.once('drain', () => resolve())), gone]);
    await write(RECORD);
    for (let left = mb * 1e6; left > 0 && !timedOut && !closed; left -= piece.length)
      await write(left >= piece.length ? piece : piece.subarray(0, left));
    if (!timedOut) {
      await write(`\n${RECORD}`);
      child.stdin.end();
    }
    await gone;
    clearTimeout(timer);
    const seconds = (performance.now() - t0) / 1000;
    const rss = timedOut ? null : Number(await readFile(rssFile, 'utf8')) / 1024;
    return { seconds, rssMB: rss, stderr, timedOut };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(`\n${cli}`);
console.log('| line MB | seconds | peak RSS MB | result |');
console.log('|---:|---:|---:|:---|');
for (const mb of sizes) {
  const r = await run(mb);
  const result = r.timedOut
    ? 'stopped'
    : (/records \d+: .*malformed \d+/.exec(r.stderr)?.[0] ?? r.stderr.trim().split('\n')[0]);
  console.log(
    `| ${mb} | ${r.timedOut ? `> ${timeout}` : r.seconds.toFixed(2)} | ${r.rssMB === null ? '-' : r.rssMB.toFixed(0)} | ${result} |`,
  );
}
