/** Option values from a command line, checked: each parser names the option and shows the value it refuses. */
import { UsageError } from '../errors.js';
import { parseSize as parseByteSize } from './size.js';
import { suggest } from './suggest.js';
import { parseRfc3339 } from './time.js';

/** An RFC 3339 timestamp with seconds and an offset, e.g. 2026-01-15T16:20:00Z (the service's parser). */
export function parseTime(option: string, value: string, command?: string): Date {
  const ms = parseRfc3339(value);
  if (ms === undefined) {
    throw new UsageError(
      `${option} '${value}' is not an RFC 3339 time: a real date and time with seconds and an offset (e.g. 2026-01-15T16:20:00Z)`,
      command,
    );
  }
  return new Date(ms);
}

/** A comma-separated list with no empty items. */
export function parseList(option: string, value: string, command?: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`${option} '${value}' has an empty item`, command);
  return items;
}

/** A positive integer. */
export function parsePositiveInt(option: string, value: string, command?: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${option} '${value}' must be a positive integer`, command);
  return Number(value);
}

/** A byte size such as 64MB, 512KiB or 1048576 (see {@link parseByteSize}). */
export function parseSize(option: string, value: string, command?: string): number {
  const n = parseByteSize(value);
  if (n === undefined) throw new UsageError(`${option} '${value}' is not a size (e.g. 64MB, 512KiB)`, command);
  return n;
}

/** One of the allowed values. */
export function parseChoice<T extends string>(
  option: string,
  value: string,
  choices: readonly T[],
  command?: string,
): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} '${value}' must be one of ${choices.join(', ')}${suggest(value, choices)}`, command);
}
