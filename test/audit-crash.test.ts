// A SIGKILL loses no acknowledged event: a child records events (its webhook never answers)
// and is killed mid-stream; a new auditor on the same spool delivers every event whose record()
// had resolved. A torn last line (a write cut short by the crash) is dropped without crashing.
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createAuditor, webhookSink } from '../dist/audit/index.js';
import { memoryLogger, startReceiver } from './support/audit-receiver.js';
import { tempDir } from './support/tmp.js';

const CHILD = fileURLToPath(new URL('./support/audit-child.ts', import.meta.url));
const SECRET = 'crash-secret-0123456789';

/** Run the child until it acknowledged `count` events, SIGKILL it, return the acknowledged ones. */
async function recordThenKill(spoolDir: string, url: string, count: number): Promise<{ id: string; n: number }[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, spoolDir, url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const acked: { id: string; n: number }[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      acked.push(JSON.parse(line) as { id: string; n: number });
      if (acked.length === count) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`child exited early: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');
  return acked;
}

it('SIGKILL after record resolved: a new auditor on the same spool delivers every acknowledged event', async () => {
  const spoolDir = tempDir('flowdigest-audit-crash-');
  // A webhook that accepts connections and never answers: the child delivers nothing.
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const acked = await recordThenKill(spoolDir, `http://127.0.0.1:${(silent.address() as { port: number }).port}/`, 200);
  silent.closeAllConnections();
  silent.close();

  const receiver = await startReceiver(SECRET);
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [webhookSink({ url: receiver.url, secret: SECRET, deadLetterPath: join(spoolDir, 'dead.ndjson') })],
    spoolDir,
    flushMs: 10,
    batchSize: 500,
    logger,
  });
  try {
    expect(
      logger.lines.find((l) => l.msg.includes('undelivered events from a previous run'))?.fields.events,
    ).toBeGreaterThanOrEqual(200);
    expect(await auditor.flush(20_000)).toBe(true);
    const got = new Set(receiver.ids());
    expect(acked.filter((a) => !got.has(a.id))).toEqual([]);
    // Events the child spooled but had not printed yet may arrive too: at least once, never invented.
    expect(receiver.accepted.flat().every((e) => typeof e.payload.n === 'number')).toBe(true);
  } finally {
    await auditor.close(1000);
    await receiver.close();
  }
});

it('a torn last line left by a crash is dropped with a warning; every complete event is delivered', async () => {
  const spoolDir = tempDir('flowdigest-audit-torn-');
  const acked = await recordThenKill(spoolDir, 'http://127.0.0.1:9/', 20);
  const segments = readdirSync(spoolDir)
    .filter((n) => n.startsWith('seg-'))
    .sort();
  const last = join(spoolDir, segments.at(-1)!);
  const before = readFileSync(last);
  // The kill may itself have cut a write short; the cut is at the last newline either way.
  const cut = before.lastIndexOf(0x0a) + 1;
  // What a write cut short by the kill leaves: part of a line, no newline.
  const torn = '{"id":"7d0c2a4e-torn","version":"0.1","type":"dig';
  appendFileSync(last, torn);

  const receiver = await startReceiver(SECRET);
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [webhookSink({ url: receiver.url, secret: SECRET, deadLetterPath: join(spoolDir, 'dead.ndjson') })],
    spoolDir,
    flushMs: 10,
    logger,
  });
  try {
    const warning = logger.lines.find((l) => l.level === 'warn')!;
    expect(warning.msg).toBe('audit spool: dropped a torn last line left by a crash (it was never acknowledged)');
    expect(warning.fields).toEqual({ file: last, bytes: before.length - cut + Buffer.byteLength(torn) });
    expect(readFileSync(last).length).toBe(cut);
    expect(readFileSync(last).equals(before.subarray(0, cut))).toBe(true);
    expect(await auditor.flush(20_000)).toBe(true);
    const got = new Set(receiver.ids());
    expect(acked.every((a) => got.has(a.id))).toBe(true);
    expect(got.has('7d0c2a4e-torn')).toBe(false);
    // New events append after the cut, on a line boundary.
    const e = await auditor.record({
      type: 'auth',
      action: 'denied',
      actor: { name: 'anonymous', ip: '::1', authentication: 'token' },
      payload: { status: 401 },
      status: 'failure',
    });
    expect(await auditor.flush(20_000)).toBe(true);
    expect(receiver.ids()).toContain(e!.id);
  } finally {
    await auditor.close(1000);
    await receiver.close();
  }
});
