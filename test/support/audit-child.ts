/**
 * A process that records audit events as fast as it can towards a webhook that does not answer
 * (nothing is delivered), and prints each event's id on stdout once `record` resolved. The
 * crash test SIGKILLs it mid-stream.
 *
 *   node --import tsx test/support/audit-child.ts SPOOL_DIR WEBHOOK_URL
 */
import { join } from 'node:path';
import { createAuditor, webhookSink } from '../../dist/audit/index.js';

const [spoolDir, url] = process.argv.slice(2);
const auditor = await createAuditor({
  sinks: [
    webhookSink({
      url,
      secret: 'crash-secret-0123456789',
      deadLetterPath: join(spoolDir, 'dead.ndjson'),
      maxRetryMs: 60_000,
    }),
  ],
  spoolDir,
  flushMs: 5,
  logger: { info() {}, warn() {}, error() {} },
});
let n = 0;
// Four writers at once, so the kill can land in the middle of a group commit.
await Promise.all(
  Array.from({ length: 4 }, async () => {
    for (;;) {
      const i = n++;
      const e = await auditor.record({
        type: 'digest',
        action: 'requested',
        actor: { name: 'child', ip: '127.0.0.1', authentication: 'none' },
        payload: { n: i },
        status: 'success',
      });
      process.stdout.write(`${JSON.stringify({ id: e!.id, n: i })}\n`);
    }
  }),
);
