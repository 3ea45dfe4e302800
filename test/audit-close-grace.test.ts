// close(graceMs): what is spooled is delivered within the grace period, without waiting for the
// flush period; a sink that cannot deliver in time is aborted, its events stay in the spool for
// the next start; a sink that ignores its signal cannot hold close() up.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createAuditor, webhookSink, type AuditEvent, type AuditSink } from '../dist/audit/index.js';
import { input, memoryLogger, startReceiver } from './support/audit-receiver.js';
import { tempDir } from './support/tmp.js';

const SECRET = 'grace-secret-0123456789';

it('flushes within the grace period even with a long flush period', async () => {
  const receiver = await startReceiver(SECRET);
  const spoolDir = tempDir('flowdigest-audit-grace-');
  const auditor = await createAuditor({
    sinks: [webhookSink({ url: receiver.url, secret: SECRET, deadLetterPath: join(spoolDir, 'dead.ndjson') })],
    spoolDir,
    batchSize: 100,
    flushMs: 3_600_000,
    logger: memoryLogger(),
  });
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await auditor.record(input(i)))!.id);
  expect(receiver.requests).toEqual([]);
  const t0 = Date.now();
  await auditor.close(5000);
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(receiver.ids()).toEqual(ids);
  await expect(auditor.record(input(9))).rejects.toMatchObject({
    code: 'FD_ERR_AUDIT_SPOOL',
    message: 'the auditor is closed; no more events are recorded',
  });
  await receiver.close();
});

it('a sink still busy at the deadline is aborted; its events stay spooled and go out on the next start', async () => {
  const spoolDir = tempDir('flowdigest-audit-grace-slow-');
  let aborted = 0;
  const stuck: AuditSink = {
    name: 'slow',
    send: (_events, signal) =>
      new Promise((_resolve, reject) => {
        signal!.addEventListener(
          'abort',
          () => {
            aborted++;
            reject(signal!.reason);
          },
          { once: true },
        );
      }),
  };
  const logger = memoryLogger();
  const a = await createAuditor({ sinks: [stuck], spoolDir, flushMs: 1, logger });
  const e = await a.record(input(1));
  const t0 = Date.now();
  await a.close(300);
  expect(Date.now() - t0).toBeLessThan(1500);
  expect(aborted).toBe(1);
  expect(logger.lines.find((l) => l.level === 'warn')).toMatchObject({
    msg: 'audit sink slow has undelivered events; they stay in the spool for the next start',
    fields: { sink: 'slow', events: 1 },
  });

  const got: AuditEvent[] = [];
  const b = await createAuditor({
    sinks: [
      {
        name: 'slow',
        send: async (events) => {
          got.push(...events);
        },
      },
    ],
    spoolDir,
    flushMs: 1,
    logger: memoryLogger(),
  });
  expect(await b.flush(5000)).toBe(true);
  await b.close(100);
  expect(got.map((x) => x.id)).toEqual([e!.id]);
});

it('a sink that ignores its abort signal holds close() up by at most a second past the grace', async () => {
  const logger = memoryLogger();
  const deaf: AuditSink = { name: 'deaf', send: () => new Promise(() => {}) };
  const a = await createAuditor({
    sinks: [deaf],
    spoolDir: tempDir('flowdigest-audit-grace-deaf-'),
    flushMs: 1,
    logger,
  });
  await a.record(input(1));
  const t0 = Date.now();
  await a.close(200);
  expect(Date.now() - t0).toBeLessThan(2500);
  expect(
    logger.lines.some(
      (l) =>
        l.level === 'error' && l.msg === 'audit sink ignored its abort signal at close; its batch stays in the spool',
    ),
  ).toBe(true);
});
