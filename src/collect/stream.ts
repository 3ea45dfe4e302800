/**
 * Stream definitions checked up front, every error naming the stream (by ID, or by its index
 * when the ID itself is the problem). IDs are required: hatchery's random default could not be
 * selected with `-i`, and an ID names the stream's objects and checkpoint.
 */
import { InvalidStreamError } from '../errors.js';
import { NAME_PART } from './names.js';
import type { StreamDefinition } from './types.js';

const MAX_MS = 366 * 24 * 3600 * 1000;

/** Validate `streams`; returns them frozen in a new array. */
export function validateStreams(streams: unknown): readonly StreamDefinition[] {
  if (!Array.isArray(streams)) throw new InvalidStreamError('collector() takes an array of streams');
  const seen = new Map<string, number>();
  return Object.freeze(
    streams.map((s: unknown, i): StreamDefinition => {
      const at = `stream #${i + 1}`;
      if (s === null || typeof s !== 'object')
        throw new InvalidStreamError(`${at} must be an object { id, tags?, source, destination }`);
      const d = s as Partial<StreamDefinition>;
      if (d.id === undefined || d.id === '')
        throw new InvalidStreamError(`${at} has no id; every stream needs a unique id (-i selects by it)`, {
          field: 'id',
        });
      if (typeof d.id !== 'string' || !NAME_PART.test(d.id)) {
        throw new InvalidStreamError(
          `${at}: id ${JSON.stringify(d.id)} must be 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit`,
          { field: 'id' },
        );
      }
      const name = `stream ${d.id}`;
      const ctx = { key: d.id };
      const first = seen.get(d.id);
      if (first !== undefined)
        throw new InvalidStreamError(`${name}: id used twice (streams #${first + 1} and #${i + 1})`, {
          ...ctx,
          field: 'id',
        });
      seen.set(d.id, i);
      const tags = d.tags ?? [];
      if (!Array.isArray(tags))
        throw new InvalidStreamError(`${name}: tags must be an array of strings`, { ...ctx, field: 'tags' });
      for (const t of tags) {
        if (typeof t !== 'string' || !NAME_PART.test(t))
          throw new InvalidStreamError(
            `${name}: tag ${JSON.stringify(t)} must be 1-64 characters of A-Z a-z 0-9 . _ -`,
            { ...ctx, field: 'tags' },
          );
      }
      if (typeof d.source !== 'function')
        throw new InvalidStreamError(`${name}: source must be a function (ctx) => Promise<void>`, {
          ...ctx,
          field: 'source',
        });
      const dest = d.destination;
      if (
        dest === null ||
        typeof dest !== 'object' ||
        typeof dest.put !== 'function' ||
        typeof dest.get !== 'function' ||
        typeof dest.location !== 'string'
      ) {
        throw new InvalidStreamError(
          `${name}: destination must have location, put() and get() (fsDestination, s3Destination, gcsDestination)`,
          { ...ctx, field: 'destination' },
        );
      }
      for (const k of ['safetyLagMs', 'initialLookbackMs'] as const) {
        const v = d[k];
        if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_MS))
          throw new InvalidStreamError(`${name}: ${k} must be an integer number of milliseconds from 0 to a year`, {
            ...ctx,
            field: k,
          });
      }
      return Object.freeze({ ...d, tags: [...new Set(tags)] } as StreamDefinition);
    }),
  );
}
