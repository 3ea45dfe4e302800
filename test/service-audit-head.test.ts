// Auth denials are audited for every method, HEAD included (issue 21, item 5): a 401 or 429
// answered to HEAD leaves its auth:denied event; a HEAD answered 200 is still not a read.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEvent, AuditInput, Auditor } from '../dist/audit/index.js';
import { BUNDLED_LOGS, tokenSha256 } from '../dist/service/index.js';
import { windowQuery } from './support/http.js';
import { startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const events: AuditEvent[] = [];
const auditor: Auditor = {
  full: false,
  async record(input: AuditInput) {
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
    events.push(event);
    return event;
  },
  selects: () => true,
  async close() {},
};

const READER = 'head-reader-token-0123456';
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
let s: Started;
// Made at the file's top level: tempDir registers its removal with afterAll, which a beforeAll
// hook would register too late.
const dir = tempDir('fd-audit-head-');
beforeAll(async () => {
  s = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'store'),
    auditor,
    authFailures: { limit: 2 },
    tokens: [{ name: 'reader', sha256: tokenSha256(READER), scopes: ['read'] }],
  });
});
afterAll(() => s?.close());

it('records auth:denied for HEAD answered 401 and 429', async () => {
  const url = `${s.url}/${windowQuery(W.start, W.stop)}`;
  const head = (token?: string) =>
    fetch(url, { method: 'HEAD', headers: token ? { authorization: `Bearer ${token}` } : {} }).then((r) => r.status);
  expect(await head()).toBe(401);
  expect(await head('a-wrong-token-0123456789')).toBe(401);
  expect(await head(READER)).toBe(429);
  const denied = events.filter((e) => e.type === 'auth' && e.action === 'denied');
  expect(denied.map((e) => [e.payload.method, e.payload.status, e.payload.reason])).toEqual([
    ['HEAD', 401, 'missing'],
    ['HEAD', 401, 'unknown'],
    ['HEAD', 429, 'rate_limited'],
  ]);
  expect(events.filter((e) => e.action === 'read')).toEqual([]);
});
