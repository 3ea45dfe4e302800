/**
 * A Google Cloud Storage bucket as a destination, through `@google-cloud/storage` resumable
 * uploads: the object becomes visible only when the final chunk is accepted, so a body that
 * fails (or a signal that aborts) leaves nothing behind. `apiEndpoint` points the client at an
 * emulator; credentials otherwise come from Application Default Credentials.
 */
import type { Storage } from '@google-cloud/storage';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortError, FetchError, InvalidOptionError } from '../../errors.js';
import type { Destination, PutOptions } from '../types.js';
import { checkPrefix } from './prefix.js';
import { OPTIONAL_PACKAGES, requireOptional } from '../../util/optional.js';

/** Options of {@link gcsDestination}. */
export interface GcsDestinationOptions {
  bucket: string;
  /** Object name prefix, e.g. `slack/`. @default '' */
  prefix?: string;
  /** API endpoint for an emulator or private endpoint, e.g. `http://127.0.0.1:4443`. @default Google's */
  apiEndpoint?: string;
  /** Project for requests that need one. @default from the environment */
  projectId?: string;
  /** A ready client instead of one built from the options. */
  storage?: Storage;
  /**
   * Bytes per upload request (a multiple of 256 KiB). Each chunk is held in memory until the
   * server has it, so a chunk that fails is sent again from where the server stopped.
   * @default 8 MiB
   */
  chunkSize?: number;
}

// Bucket naming rules (Cloud Storage docs): 3-63 characters, or up to 222 with dots.
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/** Objects in `gs://bucket/prefix`. */
export function gcsDestination(options: GcsDestinationOptions): Destination {
  if (
    options === null ||
    typeof options !== 'object' ||
    typeof options.bucket !== 'string' ||
    !BUCKET.test(options.bucket)
  ) {
    throw new InvalidOptionError('gcsDestination.bucket', 'must be a bucket name (3-63 characters of a-z 0-9 . _ -)');
  }
  const prefix = checkPrefix(options.prefix, 'gcsDestination.prefix');
  if (options.apiEndpoint !== undefined) {
    let ok = false;
    try {
      const u = new URL(options.apiEndpoint);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      ok = false;
    }
    if (!ok)
      throw new InvalidOptionError(
        'gcsDestination.apiEndpoint',
        'must be an http:// or https:// URL without credentials',
      );
  }
  const chunkSize = options.chunkSize ?? 8 * 1024 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 256 * 1024 || chunkSize % (256 * 1024) !== 0) {
    throw new InvalidOptionError('gcsDestination.chunkSize', 'must be a positive multiple of 256 KiB');
  }
  let storage: Promise<Storage> | undefined = options.storage ? Promise.resolve(options.storage) : undefined;
  // An optional peer: a collector missing it fails when it is defined, not at its first upload.
  if (!options.storage) requireOptional('gcsDestination', OPTIONAL_PACKAGES.gcs);
  const getStorage = () =>
    (storage ??= import('@google-cloud/storage').then(
      ({ Storage: S }) =>
        new S({
          ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
          ...(options.projectId ? { projectId: options.projectId } : {}),
        }),
    ));
  const url = (name: string) => `gs://${options.bucket}/${prefix}${name}`;
  const describe = (err: unknown) => `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;

  return {
    location: `gs://${options.bucket}/${prefix}`,
    async put(name: string, body: Readable, { signal, contentType }: PutOptions) {
      const file = (
        await getStorage().catch((err: unknown) => {
          body.destroy();
          throw err;
        })
      )
        .bucket(options.bucket)
        .file(`${prefix}${name}`);
      if (signal.aborted) {
        body.destroy();
        throw new AbortError(signal.reason);
      }
      const out = file.createWriteStream({ resumable: true, chunkSize, contentType, metadata: { contentType } });
      let bodyError: unknown;
      body.once('error', (err) => {
        bodyError ??= err;
      });
      try {
        // pipeline destroys the upload stream on any failure: the session is never finalised.
        await pipeline(body, out, { signal });
      } catch (err) {
        if (signal.aborted) throw new AbortError(signal.reason);
        if (bodyError !== undefined) throw bodyError;
        throw new FetchError(`${url(name)}: upload failed: ${describe(err)}`, { key: url(name) }, { cause: err });
      }
    },
    async get(name: string) {
      const file = (await getStorage()).bucket(options.bucket).file(`${prefix}${name}`);
      try {
        const [bytes] = await file.download();
        return bytes;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw new FetchError(`${url(name)}: read failed: ${describe(err)}`, { key: url(name) }, { cause: err });
      }
    },
    async list(namePrefix: string) {
      try {
        const [files] = await (await getStorage())
          .bucket(options.bucket)
          .getFiles({ prefix: `${prefix}${namePrefix}`, autoPaginate: true });
        return files.map((f) => f.name.slice(prefix.length));
      } catch (err) {
        throw new FetchError(
          `${url(namePrefix)}: listing failed: ${describe(err)}`,
          { key: url(namePrefix) },
          { cause: err },
        );
      }
    },
    async delete(name: string) {
      try {
        await (await getStorage()).bucket(options.bucket).file(`${prefix}${name}`).delete({ ignoreNotFound: true });
      } catch (err) {
        throw new FetchError(`${url(name)}: delete failed: ${describe(err)}`, { key: url(name) }, { cause: err });
      }
    },
  };
}
