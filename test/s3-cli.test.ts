// The CLI end to end against s3rver: s3:// in, s3:// out (gzip), endpoint from a flag or the
// env, a clear message when a window matches nothing, usage errors for bad URLs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createS3Client, digestInputs, digestToString } from '../dist/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { runCli } from './support/run-cli.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

const BUCKET = 'cli-flow-logs';
const dir = tempDir('flowdigest-s3-cli-');
const fixture = join(dir, 'logs');
let s3: S3rverHandle;
let client: S3Client;
const WINDOW = ['--start', '2026-01-15T16:30:00Z', '--end', '2026-01-15T16:50:00Z'];
const window = { start: new Date('2026-01-15T16:30:00Z'), end: new Date('2026-01-15T16:50:00Z') };

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  await generateFixture({
    size: 300_000,
    objects: 12,
    seed: 11,
    conversations: 150,
    format: 'mixed',
    layout: 'hive',
    hourly: true,
    out: fixture,
  });
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putTree(client, BUCKET, 'vpc/', fixture);
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

const getBytes = async (key: string) =>
  (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();

it('digests s3:// into a gzip s3:// object, with the endpoint from AWS_ENDPOINT_URL_S3', async () => {
  // The CLI itself silences the SDK's Node-version warning (the test env would otherwise).
  const env = { ...s3.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined };
  const r = await runCli(
    ['digest', `s3://${BUCKET}/vpc`, ...WINDOW, '--path-style', '-w', '1', '-o', `s3://${BUCKET}/digests/16h.log.gz`],
    { env },
  );
  expect(r.stderr).not.toMatch(/Warning|S3RVER/);
  expect(r.code).toBe(0);
  const expected = digestToString(await digestInputs([fixture], { threads: 1, ...window }));
  expect(Buffer.from(gunzipSync(await getBytes('digests/16h.log.gz'))).toString('latin1')).toBe(expected);
  expect(r.stderr).toMatch(/^digest: \d+ objects/);
});

it('takes --endpoint and --s3-region as flags, and writes NDJSON to stdout', async () => {
  const r = await runCli([
    'digest',
    `s3://${BUCKET}/vpc/`,
    ...WINDOW,
    '--endpoint',
    s3.endpoint,
    '--path-style',
    '--s3-region',
    'eu-west-1',
    '--account',
    '123456789012',
    '-f',
    'ndjson',
    '-q',
    '-w',
    '1',
  ]);
  expect(r.code).toBe(0);
  const local = digestToString(
    await digestInputs([fixture], { threads: 1, ...window, accounts: ['123456789012'] }),
    'ndjson',
  );
  const rows = (s: string) => s.split('\n').filter((l) => l.startsWith('{"account-id"'));
  expect(rows(r.stdout).length).toBeGreaterThan(0);
  expect(rows(r.stdout)).toEqual(rows(local));
});

it('says which prefixes it listed and what it passed over when nothing matches', async () => {
  const r = await runCli(
    [
      'digest',
      `s3://${BUCKET}/vpc/`,
      '--start',
      '2026-01-15T18:00:00Z',
      '--end',
      '2026-01-15T18:30:00Z',
      '--path-style',
      '-w',
      '1',
    ],
    { env: s3.env },
  );
  // Nothing digested: exit 1 with a one-line reason (the listing's account above it).
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /flowdigest: nothing digested: every object was passed over \(outside_window \d+\) \(--allow-empty exits 0\)\n$/,
  );
  expect(r.stderr).toContain('flowdigest: no objects matched; nothing was digested.');
  expect(r.stderr).toContain('window: records ending in [2026-01-15T18:00:00.000Z, 2026-01-15T18:30:00.000Z)');
  expect(r.stderr).toMatch(
    new RegExp(
      `s3://${BUCKET}/vpc/: planned listing, 4 account/region folders found; \\d+ List requests returned \\d+ keys`,
    ),
  );
  expect(r.stderr).toContain(
    `listed s3://${BUCKET}/vpc/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=01/day=15/hour=17/`,
  );
  expect(r.stderr).toMatch(/passed over while listing: outside_window \d+/);
});

it('merge writes to s3:// too', async () => {
  const local = join(dir, 'one.log');
  await writeFile(local, digestToString(await digestInputs([fixture], { threads: 1 })));
  const r = await runCli(['merge', local, local, '-o', `s3://${BUCKET}/digests/merged.log`, '-q', '--path-style'], {
    env: s3.env,
  });
  expect(r.code).toBe(0);
  expect(
    Buffer.from(await getBytes('digests/merged.log'))
      .toString('latin1')
      .split('\n')[0],
  ).toMatch(/^version account-id/);
});

it('rejects a bad s3:// URL as a usage error, naming it', async () => {
  const r = await runCli(['digest', 's3://Flow_Logs/x', '-o', 'out.log'], { env: s3.env });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`flowdigest: 's3://Flow_Logs/x' is not a valid S3 URL: bucket name 'Flow_Logs'`);
  const o = await runCli(['digest', `s3://${BUCKET}/vpc`, '-o', `s3://${BUCKET}/digests/`], { env: s3.env });
  expect(o.code).toBe(2);
  expect(o.stderr).toContain('names a folder');
  const e = await runCli(['digest', `s3://${BUCKET}/vpc`, '--endpoint', 'localhost:9000'], { env: s3.env });
  expect(e.code).toBe(2);
  expect(e.stderr).toContain('--endpoint must be an http:// or https:// URL');
});

it('--profile takes the credentials of that profile, and never shows them', async () => {
  const aws = tempDir('flowdigest-profile-');
  await writeFile(
    join(aws, 'credentials'),
    '[fdtest]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' +
      '[wrong]\naws_access_key_id = NOT-S3RVER\naws_secret_access_key = never-shown-secret-1234\n',
  );
  await writeFile(join(aws, 'config'), '[profile fdtest]\nregion = eu-west-1\n[profile wrong]\nregion = eu-west-1\n');
  // No credentials in the env: only the profile can supply them.
  const env = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: undefined,
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  };
  const args = ['digest', `s3://${BUCKET}/vpc`, ...WINDOW, '--path-style', '-w', '1', '-f', 'ndjson', '-q'];
  const good = await runCli([...args, '--profile', 'fdtest'], { env });
  expect(good.stderr).toBe('');
  expect(good.code).toBe(0);
  const expected = await digestInputs([fixture], { threads: 1, ...window });
  expect(good.stdout.split('\n').filter((l) => l.startsWith('{"account')).length).toBe(expected.size);
  const wrong = await runCli([...args, '--profile', 'wrong'], { env });
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).not.toContain('never-shown-secret-1234');
  const bad = await runCli([...args, '--profile', 'no such'], { env });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--profile 'no such' is not a profile name");
});
