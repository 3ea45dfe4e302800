/**
 * The service's flow-log sources. S3 sources plan their listing from the job's window; a local
 * directory is walked whole, so objects whose AWS file stamp cannot hold records of the window
 * are passed over here (same rule and slack as the S3 plan) instead of being read and filtered.
 */
import { resolve, sep } from 'node:path';
import { toSources, type DigestInput } from '../engine/digester.js';
import { InvalidOptionError } from '../errors.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { fileWindow } from '../sources/s3/plan.js';
import { S3Source } from '../sources/s3/source.js';
import { isS3Url } from '../sources/s3/url.js';
import type { ListContext, ObjectRef, ObjectSource } from '../sources/source.js';

/** Passes over objects stamped outside the run's window (plus slack); everything else as is. */
class WindowPruned implements ObjectSource {
  readonly description: string;
  constructor(private readonly inner: ObjectSource) {
    this.description = inner.description;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    const w = fileWindow(ctx.selection?.start, ctx.selection?.end);
    for await (const ref of this.inner.list(ctx)) {
      const t = ref.timestamp?.getTime();
      if (t !== undefined && (t < w.lo || t >= w.hi)) {
        ctx.skip(ref.key, 'outside_window');
        continue;
      }
      yield ref;
    }
  }

  read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array> {
    return this.inner.read(ref, signal);
  }
}

/** Sources for `logs`, built once so S3 clients are shared by every job. */
export function logSources(logs: DigestInput, s3: S3ClientOptions): ObjectSource[] {
  if (logs === '-') throw new InvalidOptionError('options.logs', 'cannot be stdin (-): give a directory or s3:// URL');
  return toSources([logs], { s3 }).map((source) => (source instanceof S3Source ? source : new WindowPruned(source)));
}

/**
 * The prefixes that locate `logs` on this server (its absolute path, or its S3 URL): messages
 * for clients name objects relative to them, never by the server's own paths.
 */
export function logRoots(logs: DigestInput): string[] {
  if (typeof logs !== 'string' || logs === '-') return [];
  if (isS3Url(logs)) return [logs.endsWith('/') ? logs : `${logs}/`];
  const roots = [resolve(logs)];
  if (logs !== roots[0]) roots.push(logs.replace(/[\\/]+$/, ''));
  return roots.map((r) => (r.endsWith(sep) ? r : `${r}${sep}`)).sort((a, b) => b.length - a.length);
}

/** `message` with every occurrence of a root removed, so object keys read relative to the logs. */
export function relativeToRoots(message: string, roots: readonly string[]): string {
  let out = message;
  for (const root of roots) out = out.split(root).join('');
  return out;
}
