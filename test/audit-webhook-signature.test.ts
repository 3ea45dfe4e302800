// The webhook sink against a receiver that verifies signatures: batches of at most batchSize,
// each a JSON array of well-formed events, every signature valid. With a wrong secret the
// receiver refuses (401): those events are dead-lettered and counted, not retried.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createAuditor, signBody, webhookSink, type SpooledAuditor } from '../dist/audit/index.js';
import { input, memoryLogger, metricValue, startReceiver, type Receiver } from './support/audit-receiver.js';
import { tempDir } from './support/tmp.js';

const SECRET = 'test-secret-0123456789abcdef';
const dir = tempDir('flowdigest-audit-sig-');
const open: { auditor?: SpooledAuditor; receiver?: Receiver }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.auditor?.close(2000);
    await o.receiver?.close();
  }
});

it('signs each batch; the receiver verifies every one and gets every event once', async () => {
  const receiver = await startReceiver(SECRET);
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [webhookSink({ url: receiver.url, secret: SECRET, deadLetterPath: join(dir, 'a', 'dead.ndjson') })],
    spoolDir: join(dir, 'a'),
    batchSize: 4,
    flushMs: 50,
    logger,
  });
  open.push({ auditor, receiver });
  const recorded = [];
  for (let i = 0; i < 10; i++) recorded.push(await auditor.record(input(i)));
  expect(await auditor.flush(10_000)).toBe(true);
  expect(receiver.badSignatures).toBe(0);
  expect(receiver.ids().sort()).toEqual(recorded.map((e) => e!.id).sort());
  expect(Math.max(...receiver.accepted.map((b) => b.length))).toBeLessThanOrEqual(4);
  const e = receiver.accepted.flat().find((x) => x.payload.n === 3)!;
  expect(e).toEqual({
    id: recorded[3]!.id,
    version: '0.1',
    type: 'digest',
    action: 'requested',
    metadata: { actor: { name: 'ci', ip: '127.0.0.1', authentication: 'token' } },
    payload: { n: 3 },
    timestamp: recorded[3]!.timestamp,
    status: 'success',
  });
  expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(
    await metricValue(auditor.registry, 'flowdigest_audit_events_total', { sink: 'webhook', outcome: 'delivered' }),
  ).toBe(10);
  const latency = (await auditor.registry.getSingleMetric('flowdigest_audit_delivery_seconds')!.get()).values;
  expect(
    latency.find(
      (v) =>
        v.labels.sink === 'webhook' &&
        (v as { metricName?: string }).metricName === 'flowdigest_audit_delivery_seconds_count',
    )?.value,
  ).toBe(10);
  expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
});

it('signBody is the hex HMAC-SHA256 of the exact bytes', () => {
  // RFC 4231 test case 2.
  expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
    'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
});

it('a receiver that refuses the signature (401): events go to the dead-letter file, counted, not retried', async () => {
  const receiver = await startReceiver(SECRET);
  const logger = memoryLogger();
  const dead = join(dir, 'b', 'dead', 'letters.ndjson');
  const auditor = await createAuditor({
    sinks: [
      webhookSink({ url: receiver.url, secret: 'another-secret-of-16+bytes', deadLetterPath: dead, retryBaseMs: 10 }),
    ],
    spoolDir: join(dir, 'b'),
    batchSize: 3,
    // Long enough that only a full batch (3) or the final flush (2) sends: each record is
    // fsynced, and a short flush period split the five events into three batches under load.
    flushMs: 60_000,
    logger,
  });
  open.push({ auditor, receiver });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await auditor.record(input(i)))!.id);
  expect(await auditor.flush(10_000)).toBe(true);
  expect(receiver.badSignatures).toBe(2);
  expect(receiver.requests.map((r) => r.status)).toEqual([401, 401]);
  const lines = readFileSync(dead, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { status: number; sink: string; url: string; event: { id: string } });
  expect(lines.map((l) => l.event.id)).toEqual(ids);
  expect(lines.every((l) => l.status === 401 && l.sink === 'webhook' && l.url === receiver.url)).toBe(true);
  expect(
    await metricValue(auditor.registry, 'flowdigest_audit_events_total', { sink: 'webhook', outcome: 'dead_lettered' }),
  ).toBe(5);
  expect(
    await metricValue(auditor.registry, 'flowdigest_audit_events_total', { sink: 'webhook', outcome: 'delivered' }),
  ).toBe(0);
  // The secret is in no log line and no dead letter.
  expect(JSON.stringify(logger.lines) + readFileSync(dead, 'utf8')).not.toContain('another-secret');
  // A later event still goes out (and is refused the same way): the sink is not stuck.
  await auditor.record(input(9));
  expect(await auditor.flush(10_000)).toBe(true);
  expect(receiver.requests.map((r) => r.status)).toEqual([401, 401, 401]);
});
