// The audit trail end to end: `flowdigest serve` with real sinks, a signature-checking webhook
// receiver, a SIGKILL between the answer and the delivery, and a spool that fills up.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/audit-receiver.js';
import { runCli } from './support/run-cli.js';
import { startServe, type ServeChild } from './support/serve-child.js';
import { tempDir } from './support/tmp.js';

const TOKEN = 'audit-trail-test-token-0123456789';
const SECRET = 'webhook-signing-secret';
const WINDOW = 'start=2026-01-15T16:20:00Z&stop=2026-01-15T16:30:00Z';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

// The services stop here; a test's tempDir is removed after (vitest runs onTestFinished after afterEach).
const open: { serve?: ServeChild; receiver?: Receiver }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    if (o.serve && o.serve.child.exitCode === null && o.serve.child.signalCode === null) {
      o.serve.child.kill('SIGKILL');
      await o.serve.exited;
    }
    await o.receiver?.close();
  }
});

async function until(test: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('an event answered before a SIGKILL is delivered after the restart, signed, once per id, without the token', async () => {
  const dir = tempDir('fd-audit-trail-');
  let accept = false;
  const receiver = await startReceiver(SECRET, () => (accept ? { status: 200 } : { status: 503 }));
  open.push({ receiver });
  const args = [
    '--store',
    join(dir, 'store'),
    '--audit-webhook',
    receiver.url,
    '--audit-spool',
    join(dir, 'spool'),
    '--audit-flush',
    '20ms',
  ];
  const env = { FLOWDIGEST_TOKEN: TOKEN, FLOWDIGEST_AUDIT_WEBHOOK_SECRET: SECRET };

  const first = await startServe(args, env);
  open.push({ serve: first });
  expect((await fetch(`${first.url}/?${WINDOW}`, { method: 'POST', headers: bearer(TOKEN) })).status).toBe(202);
  expect((await fetch(`${first.url}/?${WINDOW}`, { headers: bearer('not-the-token-at-all') })).status).toBe(401);
  expect((await fetch(`${first.url}/graph?${WINDOW}`)).status).toBe(401);
  // Answered, so spooled; the receiver has accepted nothing yet.
  first.child.kill('SIGKILL');
  await first.exited;
  expect(receiver.accepted.flat()).toEqual([]);

  accept = true;
  const second = await startServe(args, env);
  open.push({ serve: second });
  await until(() => {
    const kinds = receiver.accepted.flat().map((e) => `${e.type}:${e.action}`);
    return kinds.includes('digest:requested') && kinds.filter((k) => k === 'auth:denied').length >= 2;
  }, 'the spooled events to arrive');
  const events = receiver.accepted.flat();
  expect(receiver.badSignatures).toBe(0);
  const requested = events.find((e) => e.type === 'digest' && e.action === 'requested')!;
  expect(requested).toMatchObject({
    version: '0.1',
    status: 'success',
    metadata: { actor: { authentication: 'token', ip: '127.0.0.1' } },
  });
  expect(requested.payload).toMatchObject({ start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' });
  const denied = events.filter((e) => e.type === 'auth' && e.action === 'denied');
  expect(denied.every((e) => e.status === 'failure')).toBe(true);
  // At least once: repeats are possible, but only of the same id with the same content.
  const byId = new Map<string, string>();
  for (const e of events) {
    const seen = byId.get(e.id);
    if (seen !== undefined) expect(JSON.stringify(e)).toBe(seen);
    byId.set(e.id, JSON.stringify(e));
  }
  expect(JSON.stringify(events)).not.toContain(TOKEN);
  expect(JSON.stringify(events)).not.toContain('not-the-token-at-all');

  // The auditor's metrics are served beside the service's.
  const metrics = await (await fetch(`${second.url}/metrics`, { headers: bearer(TOKEN) })).text();
  expect(metrics).toMatch(/^flowdigest_audit_events_total\{sink="webhook",outcome="delivered"\} [1-9]/m);
  expect(metrics).toMatch(/^flowdigest_pool_threads \d/m);
}, 60_000);

it('a full spool answers 503 to writes, saying why, and the log sink writes JSON lines', async () => {
  const dir = tempDir('fd-audit-full-');
  const receiver = await startReceiver(SECRET, () => ({ status: 503 }));
  open.push({ receiver });
  const log = join(dir, 'audit.ndjson');
  const serve = await startServe(
    [
      '--store',
      join(dir, 'store'),
      '--audit-webhook',
      receiver.url,
      '--audit-log',
      log,
      '--audit-spool',
      join(dir, 'spool'),
      '--audit-spool-max',
      '1KB',
    ],
    { FLOWDIGEST_TOKEN: TOKEN, FLOWDIGEST_AUDIT_WEBHOOK_SECRET: SECRET },
  );
  open.push({ serve });
  // Each refused request is an auth:denied event the webhook cannot take: the spool fills.
  const statuses: number[] = [];
  for (let i = 0; i < 12 && !statuses.includes(503); i++) {
    statuses.push((await fetch(`${serve.url}/?${WINDOW}`, { headers: bearer('wrong-token-wrong-token') })).status);
  }
  expect(statuses[0]).toBe(401);
  expect(statuses).toContain(503);
  const write = await fetch(`${serve.url}/?${WINDOW}`, { method: 'POST', headers: bearer(TOKEN) });
  expect(write.status).toBe(503);
  expect(await write.text()).toMatch(/audit spool is full/);
  // The log sink delivered what the webhook could not; its lines are the events.
  await until(() => existsSync(log) && readFileSync(log, 'utf8').length > 0, 'the log sink');
  const lines = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; action: string });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((e) => e.type === 'auth' && e.action === 'denied')).toBe(true);
}, 60_000);

it('refuses bad audit settings at start-up, naming the flag, with a suggestion', async () => {
  const typo = await runCli(['serve', '--audit-log', '-', '--audit-events', 'digest:creatd']);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toMatch(/--audit-events 'digest:creatd' has an unknown verb.*did you mean created/);
  const noSink = await runCli(['serve', '--audit-events', 'digest:*']);
  expect(noSink.code).toBe(2);
  expect(noSink.stderr).toMatch(/--audit-events is set, but no audit sink is/);
  const noSecret = await runCli(['serve', '--audit-webhook', 'http://127.0.0.1:9/x'], {
    env: { FLOWDIGEST_AUDIT_WEBHOOK_SECRET: '' },
  });
  expect(noSecret.code).toBe(2);
  expect(noSecret.stderr).toMatch(/--audit-webhook needs a signing secret/);
});
