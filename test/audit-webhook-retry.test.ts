// Webhook retries: a receiver that fails twice (500, then 429 with Retry-After) and then accepts
// gets every event, repeats only by id, after waiting what Retry-After said. A receiver that is
// down longer than maxRetryMs makes send fail: logged, counted, retried from the spool.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createAuditor, webhookSink, type SpooledAuditor } from '../dist/audit/index.js';
import { deadPort, input, memoryLogger, metricValue, startReceiver, type Receiver } from './support/audit-receiver.js';
import { until } from './support/http.js';
import { tempDir } from './support/tmp.js';

const SECRET = 'retry-secret-0123456789';
const dir = tempDir('flowdigest-audit-retry-');
const open: { auditor?: SpooledAuditor; receiver?: Receiver }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.auditor?.close(2000);
    await o.receiver?.close();
  }
});

/** Each recorded payload.n arrived, and every copy of one event carries one id. */
function expectEachOnceById(receiver: Receiver, ids: string[]) {
  const byN = new Map<unknown, Set<string>>();
  for (const e of receiver.accepted.flat()) byN.set(e.payload.n, (byN.get(e.payload.n) ?? new Set()).add(e.id));
  expect([...byN.keys()].sort()).toEqual(ids.map((_, i) => i).sort());
  for (const [n, set] of byN) expect([...set]).toEqual([ids[n as number]]);
}

it('fails twice (500, 429 Retry-After: 1), then accepts: every event arrives, repeats only by id', async () => {
  const replies = [{ status: 500 }, { status: 429, headers: { 'retry-after': '1' } }];
  const receiver = await startReceiver(SECRET, (n) => replies[n - 1] ?? { status: 200 });
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [
      webhookSink({
        url: receiver.url,
        secret: SECRET,
        deadLetterPath: join(dir, 'a', 'dead.ndjson'),
        retryBaseMs: 20,
      }),
    ],
    spoolDir: join(dir, 'a'),
    batchSize: 10,
    flushMs: 20,
    logger,
  });
  open.push({ auditor, receiver });
  const ids = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await auditor.record(input(i)))!.id));
  expect(await auditor.flush(20_000)).toBe(true);
  expect(receiver.requests.slice(0, 3).map((r) => r.status)).toEqual([500, 429, 200]);
  expect(receiver.requests[2].at - receiver.requests[1].at).toBeGreaterThanOrEqual(990);
  expectEachOnceById(receiver, ids);
  expect(receiver.badSignatures).toBe(0);
  // The retries happened inside one send: no failure reached the spool's retry.
  expect(
    await metricValue(auditor.registry, 'flowdigest_audit_events_total', { sink: 'webhook', outcome: 'failed' }),
  ).toBe(0);
});

it('down longer than maxRetryMs: the failure is logged and counted, and the spool delivers once it is back', async () => {
  const port = await deadPort();
  const url = `http://127.0.0.1:${port}/audit`;
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [
      webhookSink({
        url,
        secret: SECRET,
        deadLetterPath: join(dir, 'b', 'dead.ndjson'),
        retryBaseMs: 10,
        maxRetryMs: 100,
      }),
    ],
    spoolDir: join(dir, 'b'),
    batchSize: 10,
    flushMs: 10,
    retryBaseMs: 50,
    retryMaxMs: 200,
    logger,
  });
  open.push({ auditor });
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push((await auditor.record(input(i)))!.id);
  await until(
    async () =>
      (await metricValue(auditor.registry, 'flowdigest_audit_events_total', { sink: 'webhook', outcome: 'failed' })) >=
      8
        ? true
        : undefined,
    { what: 'two failed attempts' },
  );
  const failure = logger.lines.find((l) => l.level === 'error' && l.fields.sink === 'webhook')!;
  expect(failure.msg).toBe('audit sink webhook failed; the batch stays in the spool and is retried');
  expect(String(failure.fields.err)).toMatch(/ECONNREFUSED/);
  expect(String(failure.fields.err)).not.toContain(SECRET);
  expect(
    await metricValue(auditor.registry, 'flowdigest_audit_oldest_undelivered_seconds', { sink: 'webhook' }),
  ).toBeGreaterThan(0);
  expect(await metricValue(auditor.registry, 'flowdigest_audit_spool_events')).toBe(4);
  // The receiver comes up on that port.
  const receiver = await startReceiver(SECRET, undefined, port);
  open.push({ receiver });
  expect(await auditor.flush(20_000)).toBe(true);
  expectEachOnceById(receiver, ids);
  expect(await metricValue(auditor.registry, 'flowdigest_audit_spool_events')).toBe(0);
  expect(await metricValue(auditor.registry, 'flowdigest_audit_oldest_undelivered_seconds', { sink: 'webhook' })).toBe(
    0,
  );
  expect(logger.lines.some((l) => l.msg === 'audit sink webhook delivers again')).toBe(true);
});

it('a receiver that never answers: each request times out and is retried', async () => {
  const server = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [
      webhookSink({
        url: `http://127.0.0.1:${port}/`,
        secret: SECRET,
        deadLetterPath: join(dir, 'c', 'dead.ndjson'),
        timeoutMs: 50,
        retryBaseMs: 10,
        maxRetryMs: 120,
      }),
    ],
    spoolDir: join(dir, 'c'),
    flushMs: 10,
    logger,
  });
  try {
    await auditor.record(input(0));
    const failure = await until(async () => logger.lines.find((l) => l.level === 'error'), { what: 'a failure' });
    expect(String(failure.fields.err)).toMatch(/no answer within 50 ms after \d+ attempt/);
  } finally {
    await auditor.close(100);
    server.closeAllConnections();
    server.close();
  }
});

it('a Retry-After longer than maxRetryMs: send gives up at once, and the spool retries no sooner than asked', async () => {
  const receiver = await startReceiver(SECRET, (n) =>
    n === 1 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 },
  );
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [
      webhookSink({
        url: receiver.url,
        secret: SECRET,
        deadLetterPath: join(dir, 'd', 'dead.ndjson'),
        maxRetryMs: 100,
        retryBaseMs: 10,
      }),
    ],
    spoolDir: join(dir, 'd'),
    flushMs: 5,
    retryBaseMs: 10,
    retryMaxMs: 20,
    logger,
  });
  open.push({ auditor, receiver });
  const e = await auditor.record(input(0));
  await until(async () => (receiver.accepted.length === 1 ? true : undefined), { what: 'delivery' });
  expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
  expect(receiver.requests[1].at - receiver.requests[0].at).toBeGreaterThanOrEqual(1990);
  expect(receiver.ids()).toEqual([e!.id]);
  expect(String(logger.lines.find((l) => l.level === 'error')!.fields.err)).toMatch(/HTTP 503 after 1 attempt/);
});
