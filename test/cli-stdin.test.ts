// `digest -` reads stdin, plain or gzip (detected by magic bytes).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { gzip, lines, rec } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';

const object =
  'fixtures/sample/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/15/123456789012_vpcflowlogs_us-east-1_fl-a11a46e5e352ca295_20260115T1620Z_4baecdd2.log.gz';
const stored = readFileSync(object);
const text = gunzipSync(stored).toString();
const want = referenceDigest([{ name: '-', text }]);

it.concurrent('digests a sample object piped in as plain text', async () => {
  const r = await runCli(['digest', '-', '-w', '1'], { stdin: text });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(want.text);
});

it.concurrent('digests the same object piped in as gzip', async () => {
  const r = await runCli(['digest', '-', '-w', '1'], { stdin: stored });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(want.text);
});

it.concurrent('counts exactly the lines of a small piped input', async () => {
  const small = lines(rec(), rec({ srcport: 50001 }));
  for (const stdin of [small, gzip(small)]) {
    const r = await runCli(['digest', '-', '-w', '1'], { stdin });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(referenceDigest([{ name: '-', text: small }]).text);
    expect(r.stderr).toContain('records 2: digested 2, NODATA 0, SKIPDATA 0, malformed 0, filtered 0');
  }
});
