/**
 * Run a measured job in a fresh Node process (compiled dist/ code, no tsx loader) and read back
 * its wall time and peak RSS, so runs don't share heaps, JIT state or caches of each other.
 * runProcess runs a whole command (the CLI) the same way.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildResult {
  seconds: number;
  /** runChild: wall time of the whole process, spawn to exit (start-up and module loading included). */
  wallSeconds?: number;
  maxRssMB: number;
  /** CPU time (user + system) of the whole process, all its threads, as it exited. */
  cpuSeconds: number;
  [k: string]: unknown;
}

/**
 * JavaScript (an expression) for the process's own peak RSS in KiB: VmHWM of /proc/self/status
 * where there is one. Not `process.resourceUsage().maxRSS`: Linux carries the parent's peak across
 * fork and exec into it, so a small child of a large bench reported the bench's peak (wave 13
 * found every 1% and 8% digest "at" 250-290 MB, the bench's own size by then).
 */
const PEAK_KB =
  "(() => { try { return Number(/VmHWM:\\s+(\\d+)/.exec(process.getBuiltinModule('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]); } " +
  'catch { return process.resourceUsage().maxRSS; } })()';

/** Run `code` (an ES module body that sets `globalThis.result`) and return its measurements. */
export function runChild(code: string, env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  const wrapped = `${code}
const ru = process.resourceUsage();
process.stdout.write('\\n@@' + JSON.stringify({ ...(globalThis.result ?? {}), maxRssMB: ${PEAK_KB} / 1024, cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6 }) + '\\n');`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', wrapped], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@'));
      if (code !== 0 || line === undefined)
        reject(new Error(`benchmark child failed (exit ${code}): ${out.slice(-500)}`));
      else resolve({ ...(JSON.parse(line.slice(2)) as ChildResult), wallSeconds: (performance.now() - t0) / 1000 });
    });
  });
}

// Loaded with --import into a whole-process run: reports the process's own peak RSS and CPU
// time (all its threads) on exit, to the file named by FLOWDIGEST_BENCH_RSS, without touching its stdout.
const RSS_ON_EXIT =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeFileSync } from 'node:fs'; " +
      "process.on('exit', () => { const ru = process.resourceUsage(); " +
      `writeFileSync(process.env.FLOWDIGEST_BENCH_RSS, ${PEAK_KB} + ' ' + (ru.userCPUTime + ru.systemCPUTime)); });`,
  );

/**
 * Run `node ARGS` as a whole process, as a user would, timing it from spawn to exit. Its stdout
 * is discarded; stderr is kept and shown if it fails.
 */
export async function runProcess(args: string[]): Promise<ChildResult> {
  const dir = await mkdtemp(join(tmpdir(), 'flowdigest-bench-'));
  const rssFile = join(dir, 'rss');
  try {
    const t0 = performance.now();
    const { code, err } = await new Promise<{ code: number | null; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', RSS_ON_EXIT, ...args], {
        env: { ...process.env, FLOWDIGEST_BENCH_RSS: rssFile },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, err }));
    });
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${code}): ${err.slice(-500)}`);
    const [rssKB, cpuMicros] = (await readFile(rssFile, 'utf8')).split(' ').map(Number);
    return { seconds, maxRssMB: rssKB / 1024, cpuSeconds: cpuMicros / 1e6, stderr: err };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
