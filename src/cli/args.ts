/**
 * Argument parsing on node:util parseArgs, with the errors a user can act on: the option named,
 * the value shown, and a "did you mean" for near-miss options and commands.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseRfc3339 } from '../util/time.js';
import { parseSize as parseByteSize } from '../util/size.js';
import { suggest } from '../util/suggest.js';
import { checkOutputPath } from './output-check.js';

/** A mistake on the command line: exit code 2, message shown with a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed values: booleans for boolean options, strings otherwise; absent when not given. */
export interface Parsed<T extends Options> {
  values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  positionals: string[];
}

/**
 * parseArgs, with unknown options turned into a UsageError that suggests the nearest one; an
 * `--output` path is checked at once (see {@link checkOutputPath}).
 */
export function parse<T extends Options>(command: string, argv: string[], options: T): Parsed<T> {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, allowNegative: true, strict: true }) as unknown as Parsed<T>;
  } catch (err) {
    const msg = (err as Error).message;
    const m = /Unknown option '(--?[^']+)'/.exec(msg);
    if (m) {
      const names = Object.entries(options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
      throw new UsageError(`unknown option ${m[1]}${suggest(m[1], names)}`, command);
    }
    throw new UsageError(msg.replace(/\. To specify a positional.*$/s, ''), command);
  }
  // Every command's `--output` is checked here, before it reads anything: a missing or
  // read-only directory fails at once, naming the path as given, not after the whole run.
  const output = (parsed.values as { output?: unknown }).output;
  if ('output' in options && typeof output === 'string' && !(parsed.values as { help?: boolean }).help) checkOutputPath(output);
  return parsed;
}

// Re-exported only while src/service/ still imports it from here; new code imports util/suggest.
export { suggest };

/** An RFC 3339 timestamp with seconds and an offset, e.g. 2026-01-15T16:20:00Z (the service's parser). */
export function parseTime(option: string, value: string, command?: string): Date {
  const ms = parseRfc3339(value);
  if (ms === undefined) {
    throw new UsageError(`${option} '${value}' is not an RFC 3339 time: a real date and time with seconds and an offset (e.g. 2026-01-15T16:20:00Z)`, command);
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
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${option} '${value}' must be a positive integer`, command);
  return Number(value);
}

/** A byte size such as 64MB, 512KiB or 1048576 (see {@link parseByteSize}). */
export function parseSize(option: string, value: string, command?: string): number {
  const n = parseByteSize(value);
  if (n === undefined) throw new UsageError(`${option} '${value}' is not a size (e.g. 64MB, 512KiB)`, command);
  return n;
}

/** One of the allowed values. */
export function parseChoice<T extends string>(option: string, value: string, choices: readonly T[], command?: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} '${value}' must be one of ${choices.join(', ')}${suggest(value, choices)}`, command);
}
