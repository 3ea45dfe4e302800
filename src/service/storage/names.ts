/** Object and file names shared by the built-in storage and marker modules. */
import { ID_PATTERN } from '../ids.js';
import type { StoredKind } from './types.js';

/** Body names: `{id}.log.gz` is the Go service's name for the text digest. */
export const BODY_SUFFIX: Record<StoredKind, string> = { text: '.log.gz', ndjson: '.ndjson.gz' };
export const META_SUFFIX = '.json';
/** The Go service's marker name: `{id}_in_progress`. */
export const MARKER_SUFFIX = '_in_progress';

/** `id`, once checked to be a digest ID: IDs become file names and keys, so nothing else passes. */
export function assertId(id: string): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id))
    throw new TypeError(`not a digest ID: ${JSON.stringify(String(id).slice(0, 64))}`);
  return id;
}
