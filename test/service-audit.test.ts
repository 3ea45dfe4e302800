// The service's audit hooks, through a small Auditor that records into an array (the audit
// package's real one implements the same interface in src/audit/types.ts): which requests
// make which events, with which actor, recorded before the answer is sent; never a token in a
// payload; 503 when the spool is full; the auditor closed with the service.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEvent, AuditInput, Auditor } from '../src/audit/types.js';
import { BUNDLED_LOGS, digestId, tokenSha256 } from '../dist/service/index.js';
import { http, until, windowQuery } from './support/http.js';
import { GatedSource, startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

/** Records events in an array after `delayMs`; rejects as a full spool does when told to. */
class ArrayAuditor implements Auditor {
  readonly events: (AuditEvent & { recordedAt: number })[] = [];
  full = false;
  rejectFull = false;
  closedWith: number | undefined;
  constructor(private readonly delayMs = 0) {}

  async record(input: AuditInput): Promise<AuditEvent | undefined> {
    await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.rejectFull)
      throw Object.assign(new Error('the spool holds 1000 events (its limit)'), { code: 'FD_ERR_AUDIT_SPOOL_FULL' });
    const event: AuditEvent = {
      id: randomUUID(),
      version: '0.1',
      type: input.type,
      action: input.action,
      metadata: { actor: input.actor },
      payload: input.payload,
      timestamp: new Date().toISOString(),
      status: input.status,
    };
    this.events.push({ ...event, recordedAt: Date.now() });
    return event;
  }

  selects(): boolean {
    return true;
  }

  async close(graceMs?: number): Promise<void> {
    this.closedWith = graceMs ?? -1;
  }

  of(type: string, action: string) {
    return this.events.filter((e) => e.type === type && e.action === action);
  }
}

const dir = tempDir('flowdigest-service-audit-');
const WRITER = 'audit-writer-token-0123',
  READER = 'audit-reader-token-0123';
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:50:00Z' };
const W2 = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:40:00Z' };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
let auditor: ArrayAuditor;
let source: GatedSource;
let s: Started;
let clock = Date.now();

beforeAll(async () => {
  auditor = new ArrayAuditor(150);
  source = new GatedSource(BUNDLED_LOGS);
  s = await startService({
    logs: source,
    store: join(dir, 'store'),
    auditor,
    authFailures: { limit: 2 },
    now: () => clock,
    tokens: [
      { name: 'writer', sha256: tokenSha256(WRITER), scopes: ['write', 'read'] },
      { name: 'reader', sha256: tokenSha256(READER), scopes: ['read'] },
    ],
  });
});
afterAll(async () => {
  source?.open();
  await s?.close();
});

it('records digest:requested, created and read, graph:read, report:read and diff:read, each before the answer', async () => {
  const posted = await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', headers: bearer(WRITER) });
  const answeredAt = Date.now();
  expect(posted.status).toBe(202);
  const [requested] = auditor.of('digest', 'requested');
  expect(requested).toMatchObject({
    version: '0.1',
    status: 'success',
    payload: { id: digestId(W.start, W.stop), start: W.start, stop: W.stop },
    metadata: { actor: { name: 'writer', ip: '127.0.0.1', authentication: 'token' } },
  });
  expect(requested.recordedAt).toBeLessThanOrEqual(answeredAt);
  await until(async () => (auditor.of('digest', 'created').length === 1 ? true : undefined));
  expect(auditor.of('digest', 'created')[0]).toMatchObject({
    status: 'success',
    payload: { id: digestId(W.start, W.stop) },
    metadata: { actor: { name: 'writer' } },
  });

  const reads: [string, string, string][] = [
    [`/${windowQuery(W.start, W.stop)}`, 'digest', 'read'],
    [`/${windowQuery(W.start, W.stop, { format: 'svg' })}`, 'digest', 'read'],
    [`/graph${windowQuery(W.start, W.stop, { top: '3' })}`, 'graph', 'read'],
    [`/report${windowQuery(W.start, W.stop, { top: '3' })}`, 'report', 'read'],
    [
      `/diff?${new URLSearchParams({ previous_start: W.start, previous_stop: W.stop, next_start: W.start, next_stop: W.stop })}`,
      'diff',
      'read',
    ],
  ];
  for (const [path, type, action] of reads) {
    const before = auditor.of(type, action).length;
    const r = await http(`${s.url}${path}`, { headers: bearer(READER) });
    const at = Date.now();
    expect(r.status, path).toBe(200);
    const events = auditor.of(type, action);
    expect(events.length, path).toBe(before + 1);
    expect(events.at(-1)!.recordedAt).toBeLessThanOrEqual(at);
    expect(events.at(-1)!.metadata.actor).toEqual({ name: 'reader', ip: '127.0.0.1', authentication: 'token' });
  }
  // A HEAD reads nothing; a 204 or 404 is not a read.
  const count = auditor.events.length;
  expect(
    (await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'HEAD', headers: bearer(READER) })).status,
  ).toBe(200);
  expect(
    (await http(`${s.url}/${windowQuery('2026-01-15T10:00:00Z', '2026-01-15T11:00:00Z')}`, { headers: bearer(READER) }))
      .status,
  ).toBe(404);
  expect(auditor.events.length).toBe(count);
});

it('records auth:denied for 401, 403 and 429, and digest:failed; no payload carries a token', async () => {
  const before = auditor.of('auth', 'denied').length;
  expect(
    (await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', headers: bearer(READER) })).status,
  ).toBe(403);
  expect((await http(`${s.url}/metrics`, { headers: bearer('a-wrong-token-0123456789') })).status).toBe(401);
  expect((await http(`${s.url}/metrics`)).status).toBe(401);
  expect((await http(`${s.url}/metrics`, { headers: bearer(WRITER) })).status).toBe(429);
  const denied = auditor.of('auth', 'denied').slice(before);
  expect(denied.map((e) => [e.payload.status, e.payload.reason, e.metadata.actor.name])).toEqual([
    [403, 'scope', 'reader'],
    [401, 'unknown', 'anonymous'],
    [401, 'missing', 'anonymous'],
    [429, 'rate_limited', 'anonymous'],
  ]);
  expect(denied.every((e) => e.status === 'failure' && e.metadata.actor.authentication === 'token')).toBe(true);
  // Past the failure window: this address may try again.
  clock += 61_000;

  source.failing = true;
  try {
    expect(
      (await http(`${s.url}/${windowQuery(W2.start, W2.stop)}`, { method: 'POST', headers: bearer(WRITER) })).status,
    ).toBe(202);
    await until(async () => (auditor.of('digest', 'failed').length === 1 ? true : undefined));
  } finally {
    source.failing = false;
  }
  expect(auditor.of('digest', 'failed')[0]).toMatchObject({
    status: 'failure',
    payload: { id: digestId(W2.start, W2.stop), reason: expect.stringMatching(/injected read failure/) },
  });
  const all = JSON.stringify(auditor.events);
  for (const token of [WRITER, READER, 'a-wrong-token-0123456789']) expect(all).not.toContain(token);
});

it('answers 503 with the reason when the spool is full, doing nothing it could not record', async () => {
  const w = { start: '2026-01-15T16:40:00Z', stop: '2026-01-15T16:50:00Z' };
  auditor.full = true;
  try {
    const r = await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST', headers: bearer(WRITER) });
    expect(r.status).toBe(503);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.json<{ message: string }>().message).toMatch(/audit spool is full/);
    const job = JSON.stringify({ id: digestId(w.start, w.stop), ...w });
    const worker = await startService({ logs: BUNDLED_LOGS, store: join(dir, 'full-worker'), auditor });
    try {
      expect(
        (
          await http(`${worker.url}/digest-queue/digest`, {
            method: 'POST',
            body: job,
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(503);
    } finally {
      await worker.close();
    }
  } finally {
    auditor.full = false;
  }
  expect((await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { headers: bearer(READER) })).status).toBe(404);

  // The spool fills between the check and the record: the read is refused, the POST leaves no marker.
  auditor.rejectFull = true;
  try {
    const read = await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { headers: bearer(READER) });
    expect(read.status).toBe(503);
    expect(read.json<{ message: string }>().message).toMatch(
      /^the audit spool is full, so the service cannot record this request: try again later \(the spool holds 1000 events/,
    );
    expect(
      (await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST', headers: bearer(WRITER) })).status,
    ).toBe(503);
  } finally {
    auditor.rejectFull = false;
  }
  expect((await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { headers: bearer(READER) })).status).toBe(404);
  expect(
    (await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST', headers: bearer(WRITER) })).status,
  ).toBe(202);
});

it('names the anonymous actor without tokens, and closes the auditor within the grace', async () => {
  const own = new ArrayAuditor();
  const open = await startService({ logs: BUNDLED_LOGS, store: join(dir, 'open'), auditor: own });
  expect((await http(`${open.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' })).status).toBe(202);
  expect(own.of('digest', 'requested')[0].metadata.actor).toEqual({
    name: 'anonymous',
    ip: '127.0.0.1',
    authentication: 'none',
  });
  await open.close(5000);
  expect(own.closedWith).toBeGreaterThan(0);
  expect(own.closedWith).toBeLessThanOrEqual(5000);
});
