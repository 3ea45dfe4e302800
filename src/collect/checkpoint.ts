/**
 * Checkpoints: where a stream's scheduled runs continue from, stored beside its objects in its
 * destination (`{streamId}/_checkpoint.json`), so the data and its position live and die together.
 *
 * `position` is the end of the last window whose objects were all committed; it only moves
 * after that. Before a window is collected its bounds are recorded as `pending`: if the run
 * fails, the next run collects exactly that window again — same names, so its objects are
 * replaced, not duplicated — and then continues. Scheduled runs thus have no gaps and no overlaps.
 */
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { checkpointName } from './names.js';
import type { Destination, Window } from './types.js';

/** The stored checkpoint. */
export interface Checkpoint {
  version: 1;
  stream: string;
  /** Everything before this (RFC 3339) is committed. */
  position: string;
  /** A window started but not known to be committed: collected again first. */
  pending: { start: string; end: string } | null;
  updated: string;
}

/** Read a stream's checkpoint; undefined before its first checkpointed run. */
export async function readCheckpoint(
  dest: Destination,
  streamId: string,
  signal: AbortSignal,
): Promise<Checkpoint | undefined> {
  const name = checkpointName(streamId);
  const bytes = await dest.get(name, { signal });
  if (bytes === undefined) return undefined;
  const where = `${dest.location}${name}`;
  let cp: Checkpoint;
  try {
    cp = JSON.parse(bytes.toString('utf8')) as Checkpoint;
  } catch {
    throw new InputError(`${where}: the checkpoint is not JSON; delete it to start over, or run with -s/-e`, {
      key: where,
    });
  }
  const time = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
  const ok =
    cp !== null &&
    typeof cp === 'object' &&
    cp.version === 1 &&
    cp.stream === streamId &&
    time(cp.position) &&
    (cp.pending === null || (typeof cp.pending === 'object' && time(cp.pending.start) && time(cp.pending.end)));
  if (!ok) throw new InputError(`${where}: not a version 1 checkpoint of stream ${streamId}`, { key: where });
  return cp;
}

/** Store a stream's checkpoint (all or nothing, like every object). */
export async function writeCheckpoint(
  dest: Destination,
  streamId: string,
  position: Date,
  pending: Window | null,
  signal: AbortSignal,
  now = new Date(),
): Promise<void> {
  const cp: Checkpoint = {
    version: 1,
    stream: streamId,
    position: position.toISOString(),
    pending: pending && { start: pending.start.toISOString(), end: pending.end.toISOString() },
    updated: now.toISOString(),
  };
  await dest.put(checkpointName(streamId), Readable.from([Buffer.from(`${JSON.stringify(cp)}\n`)]), {
    signal,
    contentType: 'application/json',
  });
}

/** Whole seconds: vendor APIs (Slack) take seconds, so windows never split one. */
export function floorSecond(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/**
 * The windows a checkpointed run collects: the pending one (if any) first, then from the
 * position to now minus the lag. Nothing when the lag leaves no time.
 */
export function planWindows(
  cp: Checkpoint | undefined,
  now: Date,
  safetyLagMs: number,
  initialLookbackMs: number,
): Window[] {
  const end = floorSecond(now.getTime() - safetyLagMs);
  const windows: Window[] = [];
  let start = cp ? new Date(cp.position) : floorSecond(end.getTime() - initialLookbackMs);
  if (cp?.pending) {
    const pending = { start: new Date(cp.pending.start), end: new Date(cp.pending.end) };
    windows.push(pending);
    if (pending.end > start) start = pending.end;
  }
  if (start < end) windows.push({ start, end });
  return windows;
}
