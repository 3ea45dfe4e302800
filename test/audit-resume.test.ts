// Each sink resumes from its own position: the log sink delivers everything while the webhook
// is down; after a restart the webhook gets every event and the log file gets no repeat.
// Segments every sink has passed are deleted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createAuditor, logSink, webhookSink } from '../dist/audit/index.js';
import { deadPort, input, memoryLogger, startReceiver } from './support/audit-receiver.js';
import { until } from './support/http.js';
import { tempDir } from './support/tmp.js';

const SECRET = 'resume-secret-0123456789';
const logLines = (path: string) => {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string });
  } catch {
    return [];
  }
};

it('restart resumes each sink from its own position', async () => {
  const dir = tempDir('flowdigest-audit-resume-');
  const spoolDir = join(dir, 'spool');
  const logPath = join(dir, 'out', 'audit.log');
  const options = { spoolDir, spoolMaxBytes: 16 * 1024, batchSize: 7, flushMs: 10, retryBaseMs: 50, retryMaxMs: 100 };
  const deadLetterPath = join(dir, 'dead.ndjson');

  const down = `http://127.0.0.1:${await deadPort()}/`;
  const first = await createAuditor({
    ...options,
    logger: memoryLogger(),
    sinks: [logSink({ path: logPath }), webhookSink({ url: down, secret: SECRET, deadLetterPath, maxRetryMs: 50 })],
  });
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) ids.push((await first.record(input(i)))!.id);
  await until(async () => (logLines(logPath).length === 30 ? true : undefined), { what: '30 log lines' });
  await first.close(200);
  expect(JSON.parse(readFileSync(join(spoolDir, 'offsets.json'), 'utf8'))).toEqual({
    version: 1,
    floor: 0,
    sinks: { log: 30, webhook: 0 },
  });
  expect(readdirSync(spoolDir).filter((n) => n.startsWith('seg-')).length).toBeGreaterThan(1);

  const receiver = await startReceiver(SECRET);
  const second = await createAuditor({
    ...options,
    logger: memoryLogger(),
    sinks: [logSink({ path: logPath }), webhookSink({ url: receiver.url, secret: SECRET, deadLetterPath })],
  });
  try {
    expect(await second.flush(10_000)).toBe(true);
    expect(receiver.ids()).toEqual(ids);
    expect(logLines(logPath).map((e) => e.id)).toEqual(ids);
    for (let i = 30; i < 35; i++) ids.push((await second.record(input(i)))!.id);
    expect(await second.flush(10_000)).toBe(true);
    expect(receiver.ids()).toEqual(ids);
    expect(logLines(logPath).map((e) => e.id)).toEqual(ids);
  } finally {
    await second.close(1000);
    await receiver.close();
  }
  expect(JSON.parse(readFileSync(join(spoolDir, 'offsets.json'), 'utf8'))).toEqual({
    version: 1,
    floor: 35,
    sinks: { log: 35, webhook: 35 },
  });
  // Only the segment being appended to is left.
  expect(readdirSync(spoolDir).filter((n) => n.startsWith('seg-'))).toHaveLength(1);
  expect(readdirSync(spoolDir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
});

it('a second auditor on a spool in use is refused', async () => {
  const spoolDir = tempDir('flowdigest-audit-lock-');
  const sinks = [logSink({ path: join(spoolDir, 'x.log') })];
  const a = await createAuditor({ spoolDir, sinks, logger: memoryLogger() });
  try {
    await expect(createAuditor({ spoolDir, sinks, logger: memoryLogger() })).rejects.toMatchObject({
      code: 'FD_ERR_AUDIT_SPOOL',
      message: `audit spool ${spoolDir} is already open in this process`,
    });
  } finally {
    await a.close(100);
  }
  const b = await createAuditor({ spoolDir, sinks, logger: memoryLogger() });
  await b.close(100);
});
