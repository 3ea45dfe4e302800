/**
 * The store sink: each batch becomes one NDJSON object, under a key that sorts by time and is
 * unique: `{prefix}YYYY/MM/DD/{first event's time}-{first event's id}.ndjson`. All or nothing:
 * temp + fsync + rename in a directory, lib-storage's Upload on S3 (no partial object). A batch
 * sent again after a crash gets the same key, so it replaces itself rather than doubling.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { join, resolve } from 'node:path';
import { InvalidOptionError } from '../../errors.js';
import { createS3Client, validateS3ClientOptions, type S3ClientOptions } from '../../sources/s3/client.js';
import { uploadToS3 } from '../../sources/s3/upload.js';
import { isS3Url, parseS3Url } from '../../sources/s3/url.js';
import { ensureDir, writeDurable } from '../../util/durable.js';
import type { AuditEvent, AuditSink } from '../types.js';

/** Options of {@link storeSink}. */
export interface StoreSinkOptions {
  /** A directory (created if missing) or `s3://bucket/prefix`. */
  location: string;
  /** How to reach S3 (endpoint, region...); credentials come from the SDK's default chain. */
  s3?: S3ClientOptions;
  /** The sink's name in logs, metrics and the spool's positions. @default `store` */
  name?: string;
}

/** The key of a batch below the location: `YYYY/MM/DD/YYYYMMDDTHHMMSSmmmZ-{id}.ndjson`. */
export function batchKey(events: readonly AuditEvent[]): string {
  const first = events[0];
  const t = new Date(first.timestamp);
  const iso = Number.isNaN(t.getTime()) ? new Date().toISOString() : t.toISOString();
  const stamp = iso.replace(/[-:]/g, '').replace('.', '');
  // Ids come from our own spool, but a key must never gain a path segment from data.
  const id = first.id.replace(/[^A-Za-z0-9-]/g, '_');
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${stamp}-${id}.ndjson`;
}

/** A sink that writes each batch as one NDJSON object in a directory or under an S3 prefix. */
export function storeSink(options: StoreSinkOptions): AuditSink {
  if (
    options === null ||
    typeof options !== 'object' ||
    typeof options.location !== 'string' ||
    options.location === '' ||
    options.location.includes('\0')
  ) {
    throw new InvalidOptionError('store.location', 'must be a directory or s3://bucket/prefix');
  }
  if (options.name !== undefined && typeof options.name !== 'string')
    throw new InvalidOptionError('store.name', 'must be a string');
  const name = options.name ?? 'store';
  const body = (events: readonly AuditEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join('');

  if (isS3Url(options.location)) {
    const { bucket, key } = parseS3Url(options.location, 'prefix');
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const s3 = validateS3ClientOptions(options.s3, 'store.s3');
    let client: Promise<S3Client> | undefined;
    return {
      name,
      async send(events, signal) {
        client ??= createS3Client(s3);
        const c = await client.catch((err: unknown) => {
          client = undefined;
          throw err;
        });
        const text = body(events);
        await uploadToS3(
          `s3://${bucket}/${prefix}${batchKey(events)}`,
          async (out) => {
            out.write(text);
          },
          {
            client: c,
            signal,
            contentType: 'application/x-ndjson',
          },
        );
      },
      async close() {
        const c = client;
        client = undefined;
        (await c?.catch(() => undefined))?.destroy();
      },
    };
  }
  if (options.s3 !== undefined) throw new InvalidOptionError('store.s3', 'applies only to an s3:// location');
  const root = resolve(options.location);
  return {
    name,
    async send(events, signal) {
      const path = join(root, batchKey(events));
      await ensureDir(join(path, '..'));
      await writeDurable(path, body(events), { signal });
    },
  };
}
