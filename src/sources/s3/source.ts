/**
 * Flow logs in an S3 bucket: `s3://bucket[/prefix]`, the prefix being what comes before
 * `AWSLogs/` (or a narrower one inside it).
 *
 * Listing is planned when the run selects a window, accounts or regions: account and region
 * folders are discovered ({@link discoverFolders}) and only the day or hour ranges the window can
 * touch are listed ({@link planFolder}); objects whose stamp falls outside the window plus slack
 * are passed over. Without a selection the whole prefix is listed. Either way, size-0 objects and
 * keys that do not parse as delivered flow logs are passed over and counted by reason.
 *
 * Reads are GetObject requests into one buffer of the object's Content-Length.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { AbortError, InputError, S3Error } from '../../errors.js';
import { parseFlowLogKey } from '../aws-key.js';
import type { ListContext, ObjectRef, ObjectSource } from '../source.js';
import { createS3Client, type S3ClientOptions, validateS3ClientOptions } from './client.js';
import { discoverFolders, type ListedKey, type ListPage } from './discover.js';
import { compareKeys, fileWindow, narrowListing, type PlannedListing, planFolder } from './plan.js';
import { formatS3Url, parseS3Url } from './url.js';

/** Options of an {@link S3Source}. */
export interface S3SourceOptions extends S3ClientOptions {
  /** A ready client to use instead of one built from the other options. */
  client?: S3Client;
}

/** What the last listing cost: compare a planned listing with a whole-prefix one. */
export interface S3ListStats {
  /** Whether the listing was planned from the run's window, accounts or regions. */
  planned: boolean;
  /** ListObjectsV2 requests sent, discovery included. */
  listRequests: number;
  /** Keys those requests returned, including ones then passed over. */
  objectsListed: number;
  /** Account/region folders found (planned listings only). */
  folders: number;
  /** What was listed: prefixes such as `s3://b/AWSLogs/…/us-east-1/2026/01/15/16/`, with `[after .. before)` key bounds for open-ended windows. */
  listings: string[];
  /** Seconds spent waiting for listing requests. */
  seconds: number;
}

// Downloads whose body breaks off are tried again (the SDK retries a request only until its
// response headers arrive): attempts in all, and the first pause.
const BODY_ATTEMPTS = 3;
const BODY_BACKOFF_MS = 200;

/** Objects under an `s3://bucket[/prefix]` URL. */
export class S3Source implements ObjectSource {
  readonly description: string;
  readonly bucket: string;
  /** The URL's key part, as given. */
  readonly prefix: string;
  /** Cost of the most recent (or current) listing. */
  listStats: S3ListStats = emptyListStats();
  private readonly root: string;
  private readonly narrow: string;
  private readonly options: S3ClientOptions;
  private client: Promise<S3Client> | undefined;

  /** @throws InvalidOptionError when the URL or an option is invalid (nothing is sent yet). */
  constructor(url: string, options: S3SourceOptions = {}) {
    const { bucket, key } = parseS3Url(url, 'prefix');
    const { client, ...clientOptions } = options;
    validateS3ClientOptions(clientOptions, 'S3 options');
    this.options = clientOptions;
    if (client !== undefined) this.client = Promise.resolve(client);
    this.description = url;
    this.bucket = bucket;
    this.prefix = key;
    // A prefix reaching into the layout (`x/AWSLogs/123…/`) narrows the keys as given; any other
    // prefix names the folder that holds `AWSLogs/`.
    const m = /(?:^|\/)AWSLogs(?:\/|$)/.exec(key);
    if (m !== null) {
      this.root = key.slice(0, m.index + (m[0].startsWith('/') ? 1 : 0));
      this.narrow = key;
    } else {
      this.root = key === '' || key.endsWith('/') ? key : `${key}/`;
      this.narrow = this.root;
    }
  }

  private getClient(): Promise<S3Client> {
    this.client ??= createS3Client(this.options);
    return this.client;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    const stats = emptyListStats();
    this.listStats = stats;
    const client = await this.getClient();
    const { ListObjectsV2Command, paginateListObjectsV2 } = await import('@aws-sdk/client-s3');
    const selection = ctx.selection ?? {};
    const seen = ctx.seen ?? new Set<string>();
    const window = fileWindow(selection.start, selection.end);
    stats.planned =
      selection.start !== undefined ||
      selection.end !== undefined ||
      selection.accounts !== undefined ||
      selection.regions !== undefined;

    // Every listing request goes through here: timed, errors named (the caller counts it).
    const timed = async <T>(prefix: string, request: () => Promise<T>): Promise<T> => {
      const began = performance.now();
      try {
        return await request();
      } catch (err) {
        throw this.listError(err, prefix, ctx.signal);
      } finally {
        stats.seconds += (performance.now() - began) / 1000;
      }
    };
    const page: ListPage = async ({ prefix, startAfter, maxKeys }) => {
      const out = await timed(prefix, () =>
        client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, StartAfter: startAfter, MaxKeys: maxKeys }),
          { abortSignal: ctx.signal },
        ),
      );
      const keys = contents(out.Contents);
      stats.listRequests++;
      stats.objectsListed += keys.length;
      return keys;
    };

    let listings: PlannedListing[] = [{ prefix: this.narrow }];
    if (stats.planned) {
      const folders = await discoverFolders(page, {
        root: this.root,
        narrow: this.narrow,
        accounts: selection.accounts,
        regions: selection.regions,
      });
      stats.folders = folders.length;
      listings = dedupe(
        folders.flatMap((f) => planFolder(f, window)).flatMap((l) => narrowListing(l, this.narrow) ?? []),
      );
    }

    for (const listing of listings) {
      stats.listings.push(describe(this.bucket, listing));
      const pages = paginateListObjectsV2(
        { client, pageSize: 1000 },
        { Bucket: this.bucket, Prefix: listing.prefix, StartAfter: listing.startAfter },
        { abortSignal: ctx.signal },
      );
      const iterator = pages[Symbol.asyncIterator]();
      try {
        scan: for (;;) {
          const next = await timed(listing.prefix, () => iterator.next());
          if (next.done) break;
          const keys = contents(next.value.Contents);
          stats.listRequests++;
          stats.objectsListed += keys.length;
          for (const { key, size } of keys) {
            // Past the range: the rest of this page is counted as listed, no more pages are asked for.
            if (listing.stopAt !== undefined && compareKeys(key, listing.stopAt) >= 0) break scan;
            const url = formatS3Url(this.bucket, key);
            if (size === 0) {
              ctx.skip(url, 'empty');
              continue;
            }
            const parsed = parseFlowLogKey(key);
            if ('rejected' in parsed) {
              ctx.skip(url, parsed.rejected);
              continue;
            }
            const stamp = parsed.timestamp.getTime();
            if (stamp < window.lo || stamp >= window.hi) {
              ctx.skip(url, 'outside_window');
              continue;
            }
            // Two overlapping inputs (a bucket and a prefix in it) list a key twice: read once.
            if (seen.has(url)) {
              ctx.skip(url, 'already_listed');
              continue;
            }
            seen.add(url);
            yield { key: url, size, account: parsed.account, region: parsed.region, timestamp: parsed.timestamp };
          }
        }
      } finally {
        await iterator.return?.(undefined);
      }
    }
    // Nothing under PREFIX/: PREFIX may name one object whose name AWS's text delivery would not
    // give (Firehose objects have no extension). Such an object is read whatever its name, as a
    // file named on the command line is. One more request, only when the listing was empty.
    if (stats.objectsListed === 0 && this.prefix !== '' && !this.prefix.endsWith('/')) {
      const [only] = await page({ prefix: this.prefix, maxKeys: 1 });
      if (only !== undefined && only.key === this.prefix && only.size > 0)
        yield { key: formatS3Url(this.bucket, only.key), size: only.size };
    }
  }

  async read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array> {
    const head = `s3://${this.bucket}/`;
    if (!ref.key.startsWith(head) || ref.key.length === head.length) {
      throw new InputError(`${ref.key}: not an object of ${head}`, { key: ref.key });
    }
    const key = ref.key.slice(head.length);
    const client = await this.getClient();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.download(client, key, ref.key, signal);
      } catch (err) {
        if (signal.aborted) throw new AbortError(signal.reason);
        if (!(err instanceof BodyInterrupted) || attempt >= BODY_ATTEMPTS) throw readError(err, ref.key);
        await sleep(BODY_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random()), signal);
      }
    }
  }

  private async download(client: S3Client, key: string, url: string, signal: AbortSignal): Promise<Uint8Array> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    const body = out.Body as AsyncIterable<Uint8Array> | undefined;
    if (body === undefined) throw new InputError(`${url}: GetObject returned no body`, { key: url });
    // No abort listener of our own: the SDK's stays on the request until the body has been read,
    // and destroys it on abort (the body then errors). One listener per download keeps the
    // prefetcher's shared signal under Node's max-listeners warning.
    const length = out.ContentLength;
    // One allocation of the announced size: the worker receives this buffer without a copy.
    const bytes = length === undefined ? undefined : new Uint8Array(length);
    const chunks: Uint8Array[] = [];
    let at = 0;
    try {
      // Leaving this loop early (a throw) destroys the response, freeing its socket.
      for await (const chunk of body) {
        if (bytes === undefined) chunks.push(chunk);
        else if (at + chunk.length > bytes.length)
          throw new InputError(`${url}: body is longer than its Content-Length (${length})`, { key: url });
        else bytes.set(chunk, at);
        at += chunk.length;
      }
    } catch (err) {
      if (err instanceof InputError || signal.aborted) throw err;
      throw new BodyInterrupted(err);
    }
    if (bytes === undefined) return Buffer.concat(chunks);
    if (at !== bytes.length) throw new BodyInterrupted(new Error(`body ended after ${at} of ${bytes.length} bytes`));
    return bytes;
  }

  private listError(err: unknown, prefix: string, signal: AbortSignal): Error {
    if (signal.aborted || (err as Error)?.name === 'AbortError') return new AbortError(signal.reason ?? err);
    const where = formatS3Url(this.bucket, prefix);
    const status = httpStatus(err);
    const name = (err as Error)?.name;
    const why =
      name === 'NoSuchBucket'
        ? 'no such bucket'
        : status === 403
          ? `access denied (s3:ListBucket): ${describeError(err)}`
          : describeError(err);
    return new S3Error(`${where}: cannot list: ${why}`, { key: where }, { cause: err });
  }
}

/** A download whose body broke off after the response began: worth another attempt. */
class BodyInterrupted extends Error {
  constructor(cause: unknown) {
    super(`download interrupted: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

function readError(err: unknown, url: string): Error {
  if (err instanceof InputError || err instanceof AbortError) return err;
  const status = httpStatus(err);
  const name = (err as Error)?.name;
  const why =
    name === 'NoSuchKey' || status === 404
      ? 'no such key (deleted or renamed after it was listed?)'
      : status === 403
        ? `access denied (s3:GetObject): ${describeError(err)}`
        : `cannot read: ${describeError(err)}`;
  return new InputError(`${url}: ${why}`, { key: url }, { cause: err });
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function describeError(err: unknown): string {
  if (err instanceof BodyInterrupted) return err.message;
  const e = err as Error | undefined;
  const status = httpStatus(err);
  return `${e?.name ?? 'Error'}${status !== undefined ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`;
}

function contents(list: { Key?: string; Size?: number }[] | undefined): ListedKey[] {
  return (list ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0 }]));
}

function dedupe(listings: PlannedListing[]): PlannedListing[] {
  const seen = new Set<string>();
  return listings.filter((l) => {
    const id = `${l.prefix}\0${l.startAfter ?? ''}\0${l.stopAt ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function describe(bucket: string, l: PlannedListing): string {
  const url = formatS3Url(bucket, l.prefix);
  if (l.startAfter === undefined && l.stopAt === undefined) return url;
  const rel = (k: string | undefined) => (k === undefined ? '' : k.startsWith(l.prefix) ? k.slice(l.prefix.length) : k);
  return `${url} [${rel(l.startAfter) || '…'} .. ${rel(l.stopAt) || '…'})`;
}

function emptyListStats(): S3ListStats {
  return { planned: false, listRequests: 0, objectsListed: 0, folders: 0, listings: [], seconds: 0 };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
