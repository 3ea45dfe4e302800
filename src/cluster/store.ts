/**
 * Where cluster workers put their partials: a directory every process can reach (a shared
 * filesystem), or an S3 prefix. Each write is atomic and durable: in a directory, util/durable's
 * writeDurable (a worker killed mid-write leaves only a `.tmp-` file, swept with its run); in S3, a
 * lib-storage Upload, aborted on failure, so no partial object is ever visible.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.js';
import { readDigest } from '../digest/read.js';
import { InvalidOptionError, PartialFormatError } from '../errors.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { isNotFound, s3Failure, S3Location } from '../sources/s3/location.js';
import { uploadToS3 } from '../sources/s3/upload.js';
import { isS3Url } from '../sources/s3/url.js';
import { ensureDir, writeDurable } from '../util/durable.js';

/** A store of partials, by key (`<run>/<name>.fdp`). */
export interface PartialStore {
  /** Where it is, for messages. */
  readonly description: string;
  put(key: string, chunks: Iterable<Uint8Array>): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Remove every partial of a run. */
  removeRun(run: string): Promise<void>;
  /** Remove the runs last written before `before` (abandoned by their planner); returns how many. */
  sweep(before: Date): Promise<number>;
}

const KEY = /^[A-Za-z0-9_-]{1,80}\/[A-Za-z0-9_.-]{1,120}$/;
const RUN = /^[A-Za-z0-9_-]{1,80}$/;

/** A {@link PartialStore} in a directory. */
export class FsPartialStore implements PartialStore {
  readonly description: string;
  private readonly root: string;

  constructor(dir: string) {
    if (typeof dir !== 'string' || dir === '') throw new InvalidOptionError('--store', 'must name a directory');
    this.root = resolve(dir);
    this.description = this.root;
  }

  async put(key: string, chunks: Iterable<Uint8Array>): Promise<void> {
    const path = this.path(key);
    await ensureDir(join(path, '..'));
    // Durable before it is recorded as done: a power cut must not leave a short partial.
    await writeDurable(path, chunks);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async removeRun(run: string): Promise<void> {
    if (!RUN.test(run)) throw new InvalidOptionError('run', `'${run}' is not a run id`);
    await rm(join(this.root, run), { recursive: true, force: true });
  }

  async sweep(before: Date): Promise<number> {
    let removed = 0;
    const runs = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const d of runs) {
      if (!d.isDirectory() || !RUN.test(d.name)) continue;
      const path = join(this.root, d.name);
      const newest = await newestMtime(path);
      if (newest < before.getTime()) {
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }

  private path(key: string): string {
    return join(this.root, checkKey(key));
  }
}

// Keys come from job data in Redis: only `<run>/<file>` of plain characters, never a path out.
function checkKey(key: string): string {
  if (!KEY.test(key) || key.includes('..'))
    throw new InvalidOptionError('partial key', `'${key}' is not a partial key`);
  return key;
}

/** A {@link PartialStore} under an `s3://bucket[/prefix]`. */
export class S3PartialStore implements PartialStore {
  readonly description: string;
  private readonly at: S3Location;

  constructor(url: string, options: S3ClientOptions = {}) {
    this.at = new S3Location(url, options);
    this.description = this.at.description;
  }

  async put(key: string, chunks: Iterable<Uint8Array>): Promise<void> {
    const client = await this.at.client();
    await uploadToS3(
      this.at.url(checkKey(key)),
      async (out) => {
        for (const c of chunks) if (!out.write(c)) await once(out, 'drain');
      },
      { client, contentType: 'application/octet-stream' },
    );
  }

  async get(key: string): Promise<Buffer> {
    const [client, { GetObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    const url = this.at.url(checkKey(key));
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: this.at.bucket, Key: `${this.at.prefix}${key}` }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (err) {
      throw s3Failure('GetObject', url, err);
    }
  }

  async removeRun(run: string): Promise<void> {
    if (!RUN.test(run)) throw new InvalidOptionError('run', `'${run}' is not a run id`);
    const keys = (await this.objects(`${this.at.prefix}${run}/`)).map((o) => o.key);
    await this.remove(keys);
  }

  async sweep(before: Date): Promise<number> {
    const newest = new Map<string, number>();
    for (const o of await this.objects(this.at.prefix)) {
      const run = o.key.slice(this.at.prefix.length).split('/')[0];
      if (RUN.test(run)) newest.set(run, Math.max(newest.get(run) ?? 0, o.modified));
    }
    const old = [...newest].filter(([, t]) => t < before.getTime()).map(([run]) => run);
    for (const run of old) await this.removeRun(run);
    return old.length;
  }

  private async objects(prefix: string): Promise<Array<{ key: string; modified: number }>> {
    const [client, { paginateListObjectsV2 }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    const out: Array<{ key: string; modified: number }> = [];
    try {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: this.at.bucket, Prefix: prefix })) {
        for (const o of page.Contents ?? [])
          if (o.Key) out.push({ key: o.Key, modified: o.LastModified?.getTime() ?? 0 });
      }
    } catch (err) {
      if (isNotFound(err)) return out;
      throw s3Failure('ListObjectsV2', `s3://${this.at.bucket}/${prefix}`, err);
    }
    return out;
  }

  private async remove(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const [client, { DeleteObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    // One request a key: s3rver and some S3-compatible stores lack DeleteObjects' checksum rules.
    await Promise.all(
      keys.map((Key) =>
        client.send(new DeleteObjectCommand({ Bucket: this.at.bucket, Key })).catch((err: unknown) => {
          throw s3Failure('DeleteObject', `s3://${this.at.bucket}/${Key}`, err);
        }),
      ),
    );
  }
}

/**
 * Read the partial `key` from `store`; a damaged one (its checksum, its order) fails with
 * `FD_ERR_PARTIAL` naming the partial, where it is stored and the worker that wrote it.
 */
export async function readStoredPartial(store: PartialStore, key: string, writer?: string): Promise<Digest> {
  try {
    return await readDigest(Readable.from([await store.get(key)]), key);
  } catch (err) {
    if (!(err instanceof PartialFormatError)) throw err;
    const by = writer === undefined ? '' : `, written by worker ${writer}`;
    throw new PartialFormatError(`${err.message} (in ${store.description}${by})`, { key });
  }
}

/** The store a `--store` value names: `s3://bucket[/prefix]` or a directory. */
export function storeFor(location: string, s3: S3ClientOptions = {}): PartialStore {
  return isS3Url(location) ? new S3PartialStore(location, s3) : new FsPartialStore(location);
}

async function newestMtime(dir: string): Promise<number> {
  let newest = (await stat(dir)).mtimeMs;
  for (const f of await readdir(dir))
    newest = Math.max(newest, (await stat(join(dir, f)).catch(() => ({ mtimeMs: 0 }))).mtimeMs);
  return newest;
}
