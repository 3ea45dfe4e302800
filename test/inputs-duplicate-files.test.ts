// One file is one object, however it is reached (issue 21, item 1): named twice, through a
// symbolic link, as ../a/x.log, inside two overlapping inputs. Repeats are passed over and
// counted as `already_listed`; an S3 key listed by two overlapping inputs is read once too.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDigester, createS3Client, digestToString } from '../dist/index.js';
import { lines, rec, writeFiles } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';
import { putObjects, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir('fd-dup-');
const x = lines(rec({ srcaddr: '10.0.0.1', packets: '10', bytes: '840' }));
const y = lines(rec({ srcaddr: '10.0.0.2', packets: '3', bytes: '120' }));
writeFiles(join(dir, 'a'), { 'x.log': x, 'y.log': y });
symlinkSync('x.log', join(dir, 'a', 'z.log'));
mkdirSync(join(dir, 'b'));
const once = referenceDigest([
  { name: 'x', text: x },
  { name: 'y', text: y },
]).text;

it('digests x.log, z.log -> x.log and ../a/x.log once (CLI, packets 10 not 30)', async () => {
  const r = await runCli(['digest', '-w', '1', 'a/x.log', 'a/z.log', 'b/../a/x.log'], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(referenceDigest([{ name: 'x', text: x }]).text);
  expect(r.stdout).toContain(' 10 840 ');
  expect(r.stderr).toMatch(/passed over while listing: already_listed 2/);
});

it('reads a file named twice, or inside a directory also named, once', async () => {
  const xOnly = referenceDigest([{ name: 'x', text: x }]).text;
  for (const [inputs, want, repeats] of [
    [[join(dir, 'a', 'x.log'), join(dir, 'a', 'x.log')], xOnly, 1],
    // a/ holds x.log, y.log and z.log -> x.log: z.log and the second x.log are repeats.
    [[join(dir, 'a'), join(dir, 'a', 'x.log')], once, 2],
    [[join(dir, 'a', 'y.log'), join(dir, 'a')], once, 2],
  ] as const) {
    const d = await digester.digest([...inputs]);
    expect(digestToString(d)).toBe(want);
    expect(d.stats.listingSkipped.already_listed).toBe(repeats);
  }
  // A directory named twice is walked once.
  const d = await digester.digest([join(dir, 'a'), join(dir, 'b', '..', 'a')]);
  expect(digestToString(d)).toBe(once);
  expect(d.stats.listingSkipped).toEqual({ already_listed: 1, directory_already_walked: 1 });
});

it('property: any list of aliases of the same files digests as the distinct files once', async () => {
  const aliases = {
    x: [join(dir, 'a', 'x.log'), join(dir, 'a', 'z.log'), join(dir, 'b', '..', 'a', 'x.log'), `${dir}/a/./x.log`],
    y: [join(dir, 'a', 'y.log'), join(dir, 'b', '..', 'a', 'y.log')],
  };
  const texts = { x, y };
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ file: fc.constantFrom('x' as const, 'y' as const), alias: fc.nat(3) }), {
        minLength: 1,
        maxLength: 6,
      }),
      async (picks) => {
        const inputs = picks.map(({ file, alias }) => aliases[file][alias % aliases[file].length]!);
        const distinct = [...new Set(picks.map((p) => p.file))].sort();
        const d = await digester.digest(inputs);
        expect(digestToString(d)).toBe(referenceDigest(distinct.map((f) => ({ name: f, text: texts[f] }))).text);
        expect(d.stats.objects).toBe(distinct.length);
        expect(d.stats.listingSkipped.already_listed ?? 0).toBe(inputs.length - distinct.length);
      },
    ),
    { numRuns: 40 },
  );
});

describe('S3', () => {
  let s3: S3rverHandle;
  const BUCKET = 'dup-keys';
  const key =
    'AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/15/123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f6a7b8_20260115T1620Z_0a1b2c3d.log';
  beforeAll(async () => {
    s3 = await startS3rver([BUCKET]);
    const client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
    await putObjects(client, BUCKET, [{ key, body: x }]);
  });
  afterAll(() => s3?.stop());

  it('counts an S3 key listed by two overlapping inputs once', async () => {
    const r = await runCli(['digest', '-w', '1', `s3://${BUCKET}/`, `s3://${BUCKET}/AWSLogs/123456789012/`], {
      env: s3.env,
    });
    expect(r.stderr).toMatch(/already_listed 1/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(referenceDigest([{ name: 'x', text: x }]).text);
  });
});
