/**
 * s3rver (a real S3-protocol server) in a child process, for S3 tests.
 *
 * It runs with `--openssl-legacy-provider` because its ListObjectsV2 continuation tokens use
 * DES: without the flag every second page is a 500 (reference.md §6). A child process keeps
 * that flag away from the test process, and listens on port 0 so test files can run in parallel.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';

/** The credentials s3rver accepts; tests hand them to the SDK's default provider chain via env. */
export const S3RVER_ENV = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
} as const;

export interface S3rverHandle {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Env for a child CLI: credentials plus AWS_ENDPOINT_URL_S3 pointing here. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

// The child: start s3rver with the buckets named in argv, print the port, stop when stdin ends
// (so it also goes away if the test process dies).
const CHILD = `
const S3rver = require(process.argv[1]);
const [dir, ...buckets] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir,
  configureBuckets: buckets.map((name) => ({ name })) });
server.run().then((addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0), () => process.exit(1)));
`;

/**
 * Start s3rver with `buckets` created; sets the S3RVER credentials in this process's env.
 * @param options.directory keep the data here across runs (default: a temporary directory, removed on stop)
 */
export async function startS3rver(buckets: string[], options: { directory?: string } = {}): Promise<S3rverHandle> {
  Object.assign(process.env, S3RVER_ENV);
  const dir = options.directory ?? mkdtempSync(join(tmpdir(), 'flowdigest-s3rver-'));
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', CHILD, modulePath, dir, ...buckets],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${stderr}`)));
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    env: { ...S3RVER_ENV, AWS_ENDPOINT_URL_S3: endpoint },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin!.end();
        await exited;
      }
      if (options.directory === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Put every file under `dir` into `bucket` under `prefix`, keyed by its relative path. */
export async function putTree(client: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name));
  const keys = files.map((f) => prefix + relative(dir, f).split(sep).join('/'));
  await putObjects(
    client,
    bucket,
    files.map((f, i) => ({ key: keys[i], body: readFileSync(f) })),
  );
  return keys;
}

/** Put objects, 16 at a time. */
export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: { key: string; body: Uint8Array | string }[],
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < objects.length) {
        const { key, body } = objects[next++];
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length }));
      }
    }),
  );
}
