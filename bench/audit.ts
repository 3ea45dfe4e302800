/**
 * Audit events recorded per second, each fsynced to the spool before record() resolves, with
 * one log sink (a file, fsynced per batch) draining the spool at the same time. Sequential
 * callers pay one fsync each; concurrent callers share one (group commit).
 *
 *   npm run build && node --import tsx bench/audit.ts [--seconds 5] [--dir /path/on/the/disk/to/test]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditor, logSink } from '../dist/audit/index.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const SECONDS = Number(arg('--seconds', '5'));
const root = mkdtempSync(join(arg('--dir', tmpdir()), 'flowdigest-bench-audit-'));
const quiet = { info() {}, warn() {}, error() {} };

async function run(concurrency: number): Promise<void> {
  const dir = join(root, `c${concurrency}`);
  const auditor = await createAuditor({
    sinks: [logSink({ path: join(dir, 'audit.log') })],
    spoolDir: join(dir, 'spool'),
    batchSize: 500,
    flushMs: 50,
    logger: quiet,
  });
  const payload = {
    window: { start: '2026-01-15T16:00:00Z', stop: '2026-01-15T17:00:00Z' },
    id: '20260115T1600Z-20260115T1700Z',
    route: 'POST /digests',
  };
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await auditor.record({
          type: 'digest',
          action: 'requested',
          actor: { name: 'ci', ip: '10.0.0.7', authentication: 'token' },
          payload,
          status: 'success',
        });
        n++;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const f0 = Date.now();
  await auditor.flush(60_000);
  const drain = Date.now() - f0;
  await auditor.close(1000);
  console.log(
    `concurrency ${String(concurrency).padStart(3)}: ${Math.round(n / secs)
      .toString()
      .padStart(7)} events/s recorded (${n} in ${secs.toFixed(1)} s; log sink caught up ${drain} ms after)`,
  );
}

try {
  console.log(`node ${process.version}, spool under ${root}`);
  for (const c of [1, 16, 256]) await run(c);
} finally {
  rmSync(root, { recursive: true, force: true });
}
