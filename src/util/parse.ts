/**
 * The one parser per kind of option value: integer with bounds, size, duration, list, choice,
 * time and boolean. Each takes the option's name as the reader knows it (`--top`, `PORT`,
 * `options.threads`) and throws an {@link InvalidOptionError} carrying that name, the value and
 * the reason as fields; the CLI, the service's configuration and the libraries each turn it into
 * their own error without touching its text.
 *
 * `parse*` read strings (flags, variables, query parameters); `check*` check values a library
 * caller passed.
 */
import { InvalidOptionError } from '../errors.js';
import { formatDuration, parseDuration } from './duration.js';
import { parseSize } from './size.js';
import { suggest } from './suggest.js';
import { parseRfc3339 } from './time.js';

/** Inclusive bounds of a number; `max` absent means 2^53 - 1. */
export interface Bounds {
  /** @default 1 */
  min?: number;
  max?: number;
}

/** What an integer of these bounds must be, in words: the one wording every surface shares. */
export function intReason({ min = 1, max }: Bounds): string {
  if (max === undefined || max >= Number.MAX_SAFE_INTEGER)
    return min === 1 ? 'must be a positive integer' : `must be an integer of at least ${min}`;
  return `must be an integer from ${min} to ${max}`;
}

function inBounds(n: number, { min = 1, max = Number.MAX_SAFE_INTEGER }: Bounds): boolean {
  return Number.isSafeInteger(n) && n >= min && n <= max;
}

/** A whole number in decimal digits within `bounds`. */
export function parseInteger(option: string, value: string, bounds: Bounds = {}): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!inBounds(n, bounds)) throw new InvalidOptionError(option, intReason(bounds), value);
  return n;
}

/** What a size of these bounds must be, for a flag's string and a library's number alike. */
export function sizeReason({ min = 1, max }: Bounds): string {
  if (max === undefined || max >= Number.MAX_SAFE_INTEGER)
    return min <= 1 ? 'must be a positive number of bytes' : `must be a size of at least ${min} bytes`;
  return `must be a size from ${min} to ${max} bytes`;
}

/** What a duration of these bounds must be, for a flag's string and a library's milliseconds alike. */
export function durationReason({ min = 0, max }: Bounds): string {
  return max === undefined
    ? `must be a duration of at least ${formatDuration(min)}`
    : `must be a duration from ${formatDuration(min)} to ${formatDuration(max)}`;
}

/** A library caller's integer within `bounds`; `fallback` when undefined. */
export function checkInteger(
  option: string,
  value: unknown,
  bounds: Bounds,
  fallback: number,
  reason?: (bounds: Bounds) => string,
): number;
export function checkInteger(option: string, value: unknown, bounds: Bounds): number | undefined;
export function checkInteger(
  option: string,
  value: unknown,
  bounds: Bounds,
  fallback?: number,
  reason: (bounds: Bounds) => string = intReason,
): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !inBounds(value, bounds)) throw new InvalidOptionError(option, reason(bounds));
  return value;
}

/** A byte size such as 64MB, 512KiB or 1048576 (binary units, see {@link parseSize}), within `bounds`. */
export function parseByteSize(option: string, value: string, bounds: Bounds = {}): number {
  const n = parseSize(value);
  if (n === undefined) throw new InvalidOptionError(option, 'is not a size (e.g. 64MB, 512KiB)', value);
  if (!inBounds(n, bounds)) throw new InvalidOptionError(option, sizeReason(bounds), value);
  return n;
}

/** A duration (`250ms`, `90s`, `5m`, `2h`, `7d`; plain numbers are ms) within `bounds`, in ms. */
export function parseDurationMs(option: string, value: string, bounds: Bounds = {}): number {
  const ms = parseDuration(value);
  const { min = 0, max } = bounds;
  if (ms === undefined)
    throw new InvalidOptionError(option, 'is not a duration (e.g. 90s, 15m, 1h30m, 2d; plain numbers are ms)', value);
  if (ms < min || (max !== undefined && ms > max)) throw new InvalidOptionError(option, durationReason(bounds), value);
  return ms;
}

/** How a list's items are checked: a pattern and an example of a good list. */
export interface ListItems {
  item?: RegExp;
  example?: string;
}

/** A comma-separated list with no empty item (each item trimmed, and matching `item` when given). */
export function parseCommaList(option: string, value: string, items: ListItems = {}): string[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new InvalidOptionError(option, listReason(items, true), value);
  if (items.item !== undefined && !list.every((s) => items.item!.test(s)))
    throw new InvalidOptionError(option, listReason(items, false), value);
  return list;
}

function listReason({ example }: ListItems, empty: boolean): string {
  if (example === undefined) return empty ? 'has an empty item' : 'has an item that is not allowed';
  return `must be a comma-separated list such as ${example}${empty ? ' (it has an empty item)' : ''}`;
}

/** One of `choices`, with a "did you mean" for a near miss. */
export function parseOneOf<T extends string>(option: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InvalidOptionError(option, `must be one of ${choices.join(', ')}${suggest(value, choices)}`, value);
}

/** An RFC 3339 timestamp with seconds and an offset, e.g. 2026-01-15T16:20:00Z. */
export function parseTimestamp(option: string, value: string): Date {
  const ms = parseRfc3339(value);
  if (ms === undefined)
    throw new InvalidOptionError(
      option,
      'is not an RFC 3339 time: a real date and time with seconds and an offset (e.g. 2026-01-15T16:20:00Z)',
      value,
    );
  return new Date(ms);
}

/** true, 1 or yes; false, 0 or no (any case): a boolean from a variable. */
export function parseBoolean(option: string, value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new InvalidOptionError(option, 'must be true or false', value);
}
