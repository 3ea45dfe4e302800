/**
 * CrowdStrike Falcon Data Replicator: SQS messages announce batches of files in an S3 bucket
 * (`{"cid", "timestamp", "fileCount", "totalSize", "bucket", "pathPrefix", "files": [{"path",
 * "size", "checksum"}]}`). Each file is streamed from S3 to the destination as it is (never
 * buffered whole); a message is deleted only after all its files are committed, so a failure
 * leaves it to come back after its visibility timeout.
 *
 * FDR is a queue, not a time-range API: the run's window is not used. Object names take the
 * message's timestamp as their window and a hash of the file's bucket and path as their label,
 * so a message delivered twice replaces its own copies.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SourceAuthError, FetchError, InvalidOptionError } from '../../errors.js';
import { type S3ClientOptions, s3ClientConfig } from '../../sources/s3/client.js';
import { parseS3Url } from '../../sources/s3/url.js';
import type { Source, SourceContext } from '../types.js';
import { checkInteger } from '../../util/parse.js';
import { OPTIONAL_PACKAGES, requireOptional } from '../../util/optional.js';

/** Options of {@link falconDataReplicator}. */
export interface FalconDataReplicatorOptions {
  /** The SQS queue URL CrowdStrike gave. */
  queueUrl: string;
  /** Region of the queue and bucket. @default from the queue URL's host, else `AWS_REGION`, else us-east-1 */
  region?: string;
  /** SQS endpoint override (an emulator). @default the SDK's (`AWS_ENDPOINT_URL_SQS`, ...) */
  sqsEndpoint?: string;
  /** How to reach the FDR bucket (endpoint, path style). Credentials come from the SDK's chain or `credentials`. */
  s3?: S3ClientOptions;
  /** The FDR key pair; pass it from the environment. @default the SDK's default chain */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Env variable of the secret key, named in auth errors. @default AWS_SECRET_ACCESS_KEY */
  secretEnv?: string;
  /** Messages handled per run at most. @default 1000 */
  maxMessages?: number;
  /** SQS long-poll wait per receive, seconds (0-20). @default 2 */
  waitTimeSeconds?: number;
  /** Seconds a received message stays hidden while its files are copied. @default 900 */
  visibilityTimeout?: number;
}

/** One file of an FDR message. */
interface FdrFile {
  path: string;
  size?: number;
}

const AUTH_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
]);

/** A source that drains an FDR queue. */
export function falconDataReplicator(options: FalconDataReplicatorOptions): Source {
  if (options === null || typeof options !== 'object')
    throw new InvalidOptionError('falconDataReplicator', 'takes { queueUrl, ... }');
  let queue: URL | undefined;
  try {
    queue = new URL(options.queueUrl);
  } catch {
    queue = undefined;
  }
  if (
    queue === undefined ||
    (queue.protocol !== 'http:' && queue.protocol !== 'https:') ||
    queue.username !== '' ||
    queue.password !== ''
  ) {
    throw new InvalidOptionError(
      'falconDataReplicator.queueUrl',
      'must be an http:// or https:// SQS queue URL without credentials',
    );
  }
  const maxMessages = checkInteger(
    'falconDataReplicator.maxMessages',
    options.maxMessages,
    { min: 1, max: 1_000_000 },
    1000,
  );
  const waitTimeSeconds = checkInteger(
    'falconDataReplicator.waitTimeSeconds',
    options.waitTimeSeconds,
    { min: 0, max: 20 },
    2,
  );
  const visibilityTimeout = checkInteger(
    'falconDataReplicator.visibilityTimeout',
    options.visibilityTimeout,
    { min: 0, max: 43_200 },
    900,
  );
  const secretEnv = options.secretEnv ?? 'AWS_SECRET_ACCESS_KEY';
  // The queue URL's host names the region; then the option, AWS_REGION, us-east-1.
  const region =
    options.region ??
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com$/.exec(queue.hostname)?.[1] ??
    process.env.AWS_REGION ??
    'us-east-1';
  const queueUrl = options.queueUrl;

  // An optional peer: a collector missing it fails when it is defined, not at its first run.
  requireOptional('falconDataReplicator', OPTIONAL_PACKAGES.fdr);
  const source: Source = async (ctx: SourceContext) => {
    const sqsModule = await import('@aws-sdk/client-sqs');
    const s3Module = await import('@aws-sdk/client-s3');
    const sqs: SQSClient = new sqsModule.SQSClient({
      region,
      ...(options.sqsEndpoint ? { endpoint: options.sqsEndpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    const config = s3ClientConfig({ region, ...options.s3 });
    if (options.credentials) config.credentials = options.credentials;
    const bucketClient: S3Client = new s3Module.S3Client(config);
    const fail = (what: string, err: unknown): never => {
      const name = (err as { name?: string }).name ?? 'Error';
      if (AUTH_NAMES.has(name))
        throw new SourceAuthError(
          `stream ${ctx.streamId}: ${what} was refused (${name}): check the secret in ${secretEnv}`,
          { key: ctx.streamId, field: secretEnv },
        );
      throw new FetchError(
        `stream ${ctx.streamId}: ${what} failed: ${name}: ${(err as Error)?.message ?? String(err)}`,
        { key: ctx.streamId },
        { cause: err },
      );
    };
    try {
      let handled = 0;
      while (handled < maxMessages) {
        const max = Math.min(10, maxMessages - handled);
        const received = await sqs
          .send(
            new sqsModule.ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: max,
              WaitTimeSeconds: waitTimeSeconds,
              VisibilityTimeout: visibilityTimeout,
            }),
            { abortSignal: ctx.signal },
          )
          .catch((err: unknown) => fail('SQS ReceiveMessage', err));
        const messages = received.Messages ?? [];
        if (messages.length === 0) break;
        for (const m of messages) {
          const id = m.MessageId ?? '(no id)';
          const { timestamp, files } = parseMessage(ctx, id, m.Body ?? '');
          for (const [i, file] of files.entries()) {
            const { bucket, key } = file;
            const got = await bucketClient
              .send(new s3Module.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal })
              .catch((err: unknown) => fail(`S3 GetObject s3://${bucket}/${key} (message ${id})`, err));
            const body = got.Body as Readable;
            const base = key.slice(key.lastIndexOf('/') + 1);
            const dot = base.indexOf('.');
            const ext =
              dot >= 0
                ? base
                    .slice(dot + 1)
                    .toLowerCase()
                    .replace(/[^a-z0-9.]/g, '')
                : '';
            await ctx.emit({
              format: 'bytes',
              body,
              extension: /^[a-z0-9]+(\.[a-z0-9]+)*$/.test(ext) ? ext : 'bin',
              contentType: got.ContentType ?? 'application/octet-stream',
              window: { start: timestamp, end: timestamp },
              seq: i,
              label: createHash('sha256').update(`${bucket}/${key}`).digest('hex').slice(0, 16),
            });
          }
          // Only now, with every file committed, is the message done with.
          await sqs
            .send(new sqsModule.DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }), {
              abortSignal: ctx.signal,
            })
            .catch((err: unknown) => fail(`SQS DeleteMessage (message ${id})`, err));
          ctx.log('message done', { message: id, files: files.length });
          handled++;
        }
      }
    } finally {
      sqs.destroy();
      bucketClient.destroy();
    }
  };
  source.description = `Falcon Data Replicator (${queue.origin}${queue.pathname})`;
  return source;
}

/** An FDR message's timestamp and files, checked; FetchError naming the message otherwise. */
function parseMessage(
  ctx: SourceContext,
  id: string,
  text: string,
): { timestamp: Date; files: { bucket: string; key: string; size?: number }[] } {
  const bad = (why: string): never => {
    throw new FetchError(`stream ${ctx.streamId}: FDR message ${id}: ${why}`, { key: ctx.streamId, field: id });
  };
  let body: { bucket?: unknown; files?: unknown; timestamp?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return bad('the body is not JSON');
  }
  if (body === null || typeof body !== 'object') bad('the body is not a JSON object');
  if (typeof body.bucket !== 'string') bad("'bucket' is not a string");
  const bucket = body.bucket as string;
  try {
    parseS3Url(`s3://${bucket}`, 'prefix');
  } catch {
    bad(`'bucket' ${JSON.stringify(bucket)} is not a bucket name`);
  }
  // An empty batch is valid: the message is then simply deleted.
  if (!Array.isArray(body.files)) bad("'files' is not an array");
  const ts = typeof body.timestamp === 'number' && Number.isFinite(body.timestamp) ? body.timestamp : Number.NaN;
  if (Number.isNaN(ts) || ts < 0) bad("'timestamp' is not a time in milliseconds");
  const files = (body.files as unknown[]).map((f, i) => {
    const file = f as FdrFile;
    if (
      file === null ||
      typeof file !== 'object' ||
      typeof file.path !== 'string' ||
      file.path === '' ||
      file.path.endsWith('/')
    )
      bad(`files[${i}].path is not an object key`);
    try {
      parseS3Url(`s3://${bucket}/${file.path}`, 'object');
    } catch (err) {
      bad(`files[${i}].path: ${(err as Error).message}`);
    }
    return { bucket, key: file.path, size: typeof file.size === 'number' ? file.size : undefined };
  });
  return { timestamp: new Date(Math.floor(ts)), files };
}
