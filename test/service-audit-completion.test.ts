// A job accepted with 202 always gets its completion event (issue 21, item 4): the room for
// digest:created is held in the audit spool from the moment the job is accepted, so a spool
// that fills while the job runs cannot refuse it; with no room for it, the POST is 503 and
// nothing is recorded or queued.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuditEvent, type AuditSink, createAuditor } from '../dist/audit/index.js';
import { BUNDLED_LOGS, tokenSha256 } from '../dist/service/index.js';
import { input, memoryLogger } from './support/audit-receiver.js';
import { until, windowQuery } from './support/http.js';
import { GatedSource, startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const TOKEN = 'completion-writer-token-0123';
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
const W2 = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:40:00Z' };
const dir = tempDir('fd-audit-completion-');
const headers = { authorization: `Bearer ${TOKEN}` };

/** A sink that refuses every batch until opened (a receiver that is down). */
const got: AuditEvent[] = [];
let sinkOpen = false;
const sink: AuditSink = {
  name: 'gated',
  async send(events) {
    if (!sinkOpen) throw new Error('receiver is down');
    got.push(...events);
  },
};

let auditor: Awaited<ReturnType<typeof createAuditor>>;
let source: GatedSource;
let s: Started;
beforeAll(async () => {
  auditor = await createAuditor({
    sinks: [sink],
    spoolDir: join(dir, 'spool'),
    spoolMaxBytes: 16_384,
    flushMs: 5,
    retryBaseMs: 20,
    retryMaxMs: 50,
    logger: memoryLogger(),
  });
  source = new GatedSource(BUNDLED_LOGS);
  source.close();
  s = await startService({
    logs: source,
    store: join(dir, 'store'),
    auditor,
    tokens: [{ name: 'writer', sha256: tokenSha256(TOKEN), scopes: ['write', 'read'] }],
  });
});
afterAll(async () => {
  source?.open();
  await s?.close();
});

it('records digest:created for a job accepted before the spool filled up', async () => {
  const posted = await fetch(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', headers });
  expect(posted.status).toBe(202);
  // The job waits on its source; meanwhile other events fill the spool to the last byte.
  let refused = 0;
  for (let i = 0; i < 1000 && refused === 0; i++) await auditor.record(input(i)).catch(() => refused++);
  expect(refused).toBe(1);
  expect(auditor.full).toBe(true);
  // A new job finds no room for its completion event: 503, and nothing is recorded for it.
  const second = await fetch(`${s.url}/${windowQuery(W2.start, W2.stop)}`, { method: 'POST', headers });
  expect(second.status).toBe(503);

  source.open();
  await until(
    async () => (await fetch(`${s.url}/${windowQuery(W.start, W.stop)}`, { headers })).status === 200 || undefined,
  );
  expect(s.logs.filter((l) => l.msg === 'audit record failed')).toEqual([]);
  sinkOpen = true;
  expect(await auditor.flush(20_000)).toBe(true);
  const digests = got.filter(
    (e) => e.type === 'digest' && e.action !== 'read' && (e.payload as { n?: number }).n === undefined,
  );
  expect(digests.map((e) => [e.action, (e.payload as { start: string }).start])).toEqual([
    ['requested', W.start],
    ['created', W.start],
  ]);
}, 60_000);
