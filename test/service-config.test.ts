// `flowdigest serve` configuration: flags over FLOWDIGEST_* over the Go service's variables,
// defaults that need nothing external, and one message naming the variable for each mistake.
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { BUNDLED_LOGS, resolveServeConfig, SERVE_OPTIONS } from '../dist/service/index.js';
import { flagOf, type OptionSpec } from '../dist/util/option-schema.js';
import { ConfigError } from '../dist/index.js';
import { runCli } from './support/run-cli.js';

const fail = (flags: Record<string, string | boolean>, env: Record<string, string>): string => {
  try {
    resolveServeConfig(flags, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

it('needs nothing: the bundled sample, ./.flowdigest, the in-process queue, port 8080 on loopback', () => {
  const c = resolveServeConfig({}, {});
  expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', grace: 30_000, logLevel: 'info' });
  expect(c.service).toEqual({
    logs: BUNDLED_LOGS,
    store: resolve('.flowdigest'),
    markers: resolve('.flowdigest', 'markers'),
    queuer: 'memory',
  });
  expect(BUNDLED_LOGS).toMatch(/fixtures[/\\]sample$/);
});

it("honours the Go service's variables", () => {
  const c = resolveServeConfig(
    {},
    {
      PORT: '9000',
      VPC_FLOW_LOGS_BUCKET: 'vpc-flow-logs',
      VPC_FLOW_LOGS_BUCKET_REGION: 'us-west-2',
      VPC_FLOW_LOGS_SCAN_ACCOUNTS: '123456789011,123456789012',
      VPC_FLOW_LOGS_SCAN_REGIONS: 'us-west-2,us-east-2',
      VPC_MAX_BYTES_PREFETCH: '150000000',
      VPC_MAX_CONCURRENT_PREFETCH: '2',
      DIGEST_STORAGE_BUCKET: 'vpc-flow-digests',
      DIGEST_STORAGE_BUCKET_REGION: 'us-west-2',
      DIGEST_PROGRESS_BUCKET: 'vpc-flow-digests-progress',
      DIGEST_PROGRESS_BUCKET_REGION: 'us-east-1',
      DIGEST_PROGRESS_TIMEOUT: '100000',
      STREAM_APPLIANCE_ENDPOINT: '0.0.0.0:9000',
      STREAM_APPLIANCE_TOPIC: 'digest-queue',
      USE_IAM: 'true',
    },
  );
  expect(c.port).toBe(9000);
  expect(c.service).toEqual({
    logs: 's3://vpc-flow-logs',
    store: 's3://vpc-flow-digests',
    markers: 's3://vpc-flow-digests-progress',
    regions: { logs: 'us-west-2', store: 'us-west-2', markers: 'us-east-1' },
    scanAccounts: ['123456789011', '123456789012'],
    scanRegions: ['us-west-2', 'us-east-2'],
    digester: { prefetchBytes: 150_000_000, prefetchConcurrency: 2 },
    progressTimeout: 100_000,
    queuer: 'http://0.0.0.0:9000',
    topic: 'digest-queue',
  });
  expect(c.origins).toMatchObject({
    port: 'PORT',
    logs: 'VPC_FLOW_LOGS_BUCKET',
    progressTimeout: 'DIGEST_PROGRESS_TIMEOUT',
  });
});

it('takes flags over FLOWDIGEST_* over Go variables, and agreeing duplicates', () => {
  const env = {
    FLOWDIGEST_STORE: 's3://digests/',
    DIGEST_STORAGE_BUCKET: 'digests',
    FLOWDIGEST_PORT: '7000',
    PORT: '7000',
    FLOWDIGEST_JOBS: '2',
  };
  const c = resolveServeConfig({ jobs: '3', 'path-style': true, endpoint: 'http://127.0.0.1:9000' }, env);
  expect(c.port).toBe(7000);
  expect(c.service).toMatchObject({
    store: 's3://digests/',
    markers: 's3://digests/markers/',
    jobs: 3,
    s3: { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
  });
  expect(c.origins.jobs).toBe('--jobs');
  expect(
    resolveServeConfig(
      {},
      { FLOWDIGEST_PROGRESS_TIMEOUT: '90s', DIGEST_PROGRESS_TIMEOUT: '90000', FLOWDIGEST_MAX_WINDOW: '1d' },
    ).service,
  ).toMatchObject({ progressTimeout: 90_000, maxWindow: 86_400_000 });
});

it('names the variable of each mistake', () => {
  const cases: [Record<string, string | boolean>, Record<string, string>, string | RegExp][] = [
    [
      {},
      { FLOWDIGEST_STROE: '/tmp/x' },
      'FLOWDIGEST_STROE is not a flowdigest variable (did you mean FLOWDIGEST_STORE?)',
    ],
    [
      {},
      { FLOWDIGEST_PROGRES_TIMEOUT: '1' },
      /^FLOWDIGEST_PROGRES_TIMEOUT is not a flowdigest variable \(did you mean FLOWDIGEST_PROGRESS_TIMEOUT\?\)$/,
    ],
    [{}, { PORT: '80a' }, "PORT '80a' must be an integer from 0 to 65535"],
    [{}, { FLOWDIGEST_PORT: '70000' }, "FLOWDIGEST_PORT '70000' must be an integer from 0 to 65535"],
    [
      {},
      { FLOWDIGEST_STORE: 's3://a/', DIGEST_STORAGE_BUCKET: 'b' },
      "FLOWDIGEST_STORE and DIGEST_STORAGE_BUCKET disagree ('s3://a/' vs 'b'): set one of them",
    ],
    [
      {},
      { VPC_FLOW_LOGS_BUCKET_REGION: 'us-west-2' },
      /^VPC_FLOW_LOGS_BUCKET_REGION is set, but the logs are not in S3/,
    ],
    [
      {},
      { DIGEST_STORAGE_BUCKET: 'Bad_Bucket' },
      /^DIGEST_STORAGE_BUCKET 'Bad_Bucket' is not a valid S3 URL: bucket name 'Bad_Bucket'/,
    ],
    [{}, { FLOWDIGEST_LOGS: '/no/such/dir' }, "FLOWDIGEST_LOGS '/no/such/dir' is not a directory or file"],
    [{ logs: '/no/such/dir' }, {}, "--logs '/no/such/dir' is not a directory or file"],
    [{}, { DIGEST_PROGRESS_TIMEOUT: 'soon' }, /^DIGEST_PROGRESS_TIMEOUT 'soon' is not a duration \(e\.g\. 90s/],
    [{}, { VPC_MAX_BYTES_PREFETCH: 'lots' }, "VPC_MAX_BYTES_PREFETCH 'lots' is not a size (e.g. 64MB, 512KiB)"],
    [
      {},
      { VPC_FLOW_LOGS_SCAN_ACCOUNTS: '123,,456' },
      /^VPC_FLOW_LOGS_SCAN_ACCOUNTS '123,,456' must be a comma-separated list such as/,
    ],
    [
      {},
      { STREAM_APPLIANCE_ENDPOINT: 'http://user:pw@bus' },
      /^STREAM_APPLIANCE_ENDPOINT must be 'memory', 'self', an http\(s\):\/\/ URL without credentials/,
    ],
    [{}, { STREAM_APPLIANCE_TOPIC: 'digests' }, /^STREAM_APPLIANCE_TOPIC is set, but jobs go to the in-process queue/],
    [
      {},
      { VPC_FLOW_LOGS_BUCKET_ROLE: 'arn:aws:iam::1:role/r' },
      /^VPC_FLOW_LOGS_BUCKET_ROLE is not supported: give the role to the AWS SDK/,
    ],
    [{}, { USE_IAM: 'maybe' }, /^USE_IAM 'maybe' must be true or false/],
    [
      {},
      { FLOWDIGEST_TOKEN: 'short secret' },
      'FLOWDIGEST_TOKEN must be at least 16 printable characters without spaces',
    ],
    [
      {},
      { FLOWDIGEST_LOG_LEVEL: 'verbose' },
      /^FLOWDIGEST_LOG_LEVEL 'verbose' must be one of debug, info, warn, error, silent/,
    ],
    [
      {},
      { FLOWDIGEST_ENDPOINT: 'http://key:secret@minio:9000' },
      'FLOWDIGEST_ENDPOINT must be an http:// or https:// URL without credentials',
    ],
  ];
  for (const [flags, env, message] of cases) {
    const got = fail(flags, env);
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
    // Secrets are never echoed.
    expect(got).not.toMatch(/short secret|key:secret|user:pw/);
  }
});

it('documents every flag and variable in serve --help', async () => {
  const r = await runCli(['serve', '--help']);
  expect(r.code).toBe(0);
  for (const [key, s] of Object.entries(SERVE_OPTIONS) as [string, OptionSpec][]) {
    expect(r.stdout).toContain(`--${flagOf(key, s)}`);
    if (s.env !== undefined) expect(r.stdout).toContain(s.env);
    for (const alias of s.aliases ?? []) expect(r.stdout).toContain(alias);
  }
  expect(r.stdout).toContain('FLOWDIGEST_TOKEN');
  const main = await runCli(['--help']);
  expect(main.stdout).toMatch(/^ {2}serve {4}/m);
});

it('stops the CLI with exit 2 and the message, before listening', async () => {
  const typo = await runCli(['serve', '--prot', '1']);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain('unknown option --prot (did you mean --port?)');
  const env = await runCli(['serve'], { env: { FLOWDIGEST_STROE: '/tmp' } });
  expect(env.code).toBe(2);
  expect(env.stderr).toBe(
    "flowdigest: FLOWDIGEST_STROE is not a flowdigest variable (did you mean FLOWDIGEST_STORE?)\nTry 'flowdigest serve --help'.\n",
  );
  expect(env.stdout).toBe('');
});

it('--profile names the AWS profile of every s3:// location; a bad name stops the start', () => {
  const config = resolveServeConfig({ profile: 'ops-readonly', store: '/tmp/flowdigest-profile-store' }, {});
  expect(config.service.s3).toEqual({ profile: 'ops-readonly' });
  expect(() => resolveServeConfig({ profile: 'no such' }, {})).toThrow("--profile 'no such' is not a profile name");
});
