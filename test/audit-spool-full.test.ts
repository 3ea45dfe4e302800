// Back-pressure: when undelivered events fill spoolMaxBytes, record() rejects with
// FD_ERR_AUDIT_SPOOL_FULL and `full` is true (the service answers 503); nothing is dropped.
// Once the sink catches up, `full` clears and recording resumes.
import { expect, it } from 'vitest';
import { AuditSpoolFullError, createAuditor, type AuditEvent, type AuditSink } from '../dist/audit/index.js';
import { input, memoryLogger, metricValue } from './support/audit-receiver.js';
import { tempDir } from './support/tmp.js';

/** A sink that fails until opened: the custom-sink contract, nothing else. */
function gatedSink() {
  const got: AuditEvent[] = [];
  let open = false;
  const sink: AuditSink = {
    name: 'gated',
    async send(events) {
      if (!open) throw new Error('receiver is down');
      got.push(...events);
    },
  };
  return {
    sink,
    got,
    open: () => {
      open = true;
    },
  };
}

it('rejects with FD_ERR_AUDIT_SPOOL_FULL when full, loses nothing, and recovers once delivered', async () => {
  const gate = gatedSink();
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [gate.sink],
    spoolDir: tempDir('flowdigest-audit-full-'),
    spoolMaxBytes: 4096,
    flushMs: 5,
    retryBaseMs: 20,
    retryMaxMs: 50,
    logger,
  });
  try {
    const accepted: string[] = [];
    let rejection: unknown;
    for (let i = 0; i < 100 && rejection === undefined; i++) {
      try {
        accepted.push((await auditor.record(input(i)))!.id);
      } catch (err) {
        rejection = err;
      }
    }
    expect(rejection).toBeInstanceOf(AuditSpoolFullError);
    const e = rejection as InstanceType<typeof AuditSpoolFullError>;
    expect(e.code).toBe('FD_ERR_AUDIT_SPOOL_FULL');
    expect(e.message).toMatch(
      /^audit spool is full \(\d+ of 4096 bytes hold undelivered events\); retry once the audit sinks catch up$/,
    );
    expect(auditor.full).toBe(true);
    expect(accepted.length).toBeGreaterThan(5);
    // Still full: every further write is refused, and said once in the log.
    await expect(auditor.record(input(1000))).rejects.toMatchObject({ code: 'FD_ERR_AUDIT_SPOOL_FULL' });
    expect(logger.lines.filter((l) => l.msg.startsWith('audit spool is full'))).toHaveLength(1);
    expect(await metricValue(auditor.registry, 'flowdigest_audit_recorded_total', { outcome: 'rejected' })).toBe(2);
    expect(await metricValue(auditor.registry, 'flowdigest_audit_spool_bytes')).toBeGreaterThan(4096 * 0.9);

    gate.open();
    expect(await auditor.flush(10_000)).toBe(true);
    expect(auditor.full).toBe(false);
    expect(gate.got.map((x) => x.id)).toEqual(accepted);
    const later = await auditor.record(input(2000));
    expect(await auditor.flush(10_000)).toBe(true);
    expect(gate.got.at(-1)!.id).toBe(later!.id);
  } finally {
    await auditor.close(1000);
  }
});

it('selects(): an event the filter does not select resolves undefined and is not spooled', async () => {
  const gate = gatedSink();
  gate.open();
  const auditor = await createAuditor({
    events: 'auth:denied',
    sinks: [gate.sink],
    spoolDir: tempDir('flowdigest-audit-filter-'),
    flushMs: 5,
    logger: memoryLogger(),
  });
  try {
    expect(auditor.selects('digest', 'requested')).toBe(false);
    expect(auditor.selects('auth', 'denied')).toBe(true);
    expect(await auditor.record(input(1))).toBeUndefined();
    const denied = await auditor.record(input(2, { type: 'auth', action: 'denied', status: 'failure' }));
    expect(await auditor.flush(5000)).toBe(true);
    expect(gate.got.map((x) => x.id)).toEqual([denied!.id]);
    expect(await metricValue(auditor.registry, 'flowdigest_audit_recorded_total', { outcome: 'filtered' })).toBe(1);
  } finally {
    await auditor.close(1000);
  }
});
