// A collector and `flowdigest digest s3://` sharing one bucket: the collector's audit objects
// and checkpoint sit under their own prefix, and the digest of the bucket still equals the
// digest of the flow logs alone (the collected objects are passed over, not misread).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import { createS3Client, digestInputs, digestToString } from '../dist/index.js';
import { collector, s3Destination, slackAuditLogs } from '../dist/collect/index.js';
import { runCli } from './support/run-cli.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { slackEntry, startVendorApi, type VendorApi } from './support/vendor-api.js';

const BUCKET = 'security-logs';
const SAMPLE = fileURLToPath(new URL('../fixtures/sample/AWSLogs', import.meta.url));
const TOKEN = 'xoxp-digest-token';
let s3: S3rverHandle;
let api: VendorApi;
let client: S3Client;

beforeAll(async () => {
  [s3, api] = await Promise.all([startS3rver([BUCKET]), startVendorApi(TOKEN)]);
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putTree(client, BUCKET, 'AWSLogs/', SAMPLE);
});
afterAll(async () => {
  client?.destroy();
  await Promise.all([s3?.stop(), api?.close()]);
});

it('collected audit logs beside flow logs leave the digest of the bucket unchanged', async () => {
  const t = Date.parse('2026-01-15T16:00:00Z');
  api.slack = Array.from({ length: 20 }, (_, i) => slackEntry(i, t + i * 60_000));
  const c = collector(
    [
      {
        id: 'slack-audit',
        tags: ['hourly'],
        source: slackAuditLogs({ token: TOKEN, baseUrl: api.endpoint, limit: 8 }),
        destination: s3Destination({
          bucket: BUCKET,
          prefix: 'audit/slack/',
          endpoint: s3.endpoint,
          forcePathStyle: true,
        }),
      },
    ],
    { log: () => {}, now: () => new Date(t + 3_600_000 + 300_000) },
  );
  const report = await c.run({ tags: ['hourly'] });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  expect(report.streams[0].objects).toBe(3);

  const r = await runCli(['digest', `s3://${BUCKET}/`, '--endpoint', s3.endpoint, '--path-style', '-w', '1'], {
    env: s3.env,
  });
  expect(r.code, r.stderr).toBe(0);
  // The three pages and the checkpoint were listed and passed over, not read as flow logs.
  expect(r.stderr).toContain('passed over while listing: not_flow_log_name 4');
  expect(r.stderr).toContain('malformed 0');
  const local = digestToString(await digestInputs([SAMPLE], { threads: 1 }));
  expect(r.stdout).toBe(local);
});
