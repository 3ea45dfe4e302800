/** Loading stored digests for graphs and diffs (NDJSON keeps record counts and stats). */
import type { Readable } from 'node:stream';
import { readDigest } from '../../digest/read.js';
import type { Digest } from '../../digest/digest.js';
import { HttpError } from '../errors.js';
import type { DigestWindow } from '../window.js';
import { json, ref } from '../schemas.js';
import { type ServiceState, statusBody, windowStatus } from '../state.js';

/** SVG is rendered in-process on the event loop: ≈0.5 s at 2,000 edges, several seconds at 10,000. */
export const SVG_MAX_EDGES = 2_000;

/** The 404 of a window that is not stored. */
export const MISSING = json(
  ref('DigestStatus'),
  'Never requested (`absent`), or its job failed (`failed`, with the reason): POST to make it.',
);

/** The stored NDJSON body of `w`, or the answer for a window that has none (204 or 404). */
export async function openStored(state: ServiceState, w: DigestWindow, label?: string): Promise<Readable> {
  const stored = await state.storage.open(w.id, 'ndjson');
  if (stored !== undefined) return stored.body;
  return notStored(state, w, label);
}

/** Throw the answer for a window that is not stored: 204 while in progress, else 404 with its status. */
export async function notStored(state: ServiceState, w: DigestWindow, label?: string): Promise<never> {
  const s = await windowStatus(state, w.id);
  const which = label === undefined ? '' : `${label} window: `;
  if (s.status === 'in_progress') throw new HttpError(204, `${which}in progress`);
  if (s.status === 'complete')
    throw new HttpError(503, `${which}the digest was being stored; try again`, { 'retry-after': '1' });
  const message =
    s.status === 'failed'
      ? `${which}the digest job failed: ${s.message}; POST to try again`
      : `${which}no digest of this window; POST to make it`;
  throw new HttpError(404, message, {}, statusBody(w, s.status));
}

/** Load the stored digest of `w`. */
export async function loadDigest(state: ServiceState, w: DigestWindow): Promise<Digest> {
  const body = await openStored(state, w);
  try {
    return await readDigest(body, `${w.id}.ndjson.gz`);
  } finally {
    body.destroy();
  }
}
