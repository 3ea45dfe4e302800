/**
 * Declarative option schemas: each option's type, bounds, default, flag, short flag, variables,
 * help line and doc text, written once. From a schema come the command line's parsing, the
 * environment's reading, the option lists of `--help`, a library's validation, JSON schemas for
 * the service's routes and the generated reference (docs/options.md).
 *
 * Hand-written rather than zod or TypeBox: what varies here is CLI and environment metadata
 * (flags, short flags, variable aliases, value names, help layout) that neither models, the
 * value grammars (sizes, durations, RFC 3339) are ours either way, and the engine's install stays
 * free of another runtime dependency. Fastify already speaks JSON Schema, which {@link jsonSchemaOf}
 * writes.
 */
import { InvalidOptionError } from '../errors.js';
import { formatDuration } from './duration.js';
import {
  type Bounds,
  checkInteger,
  durationReason,
  intReason,
  parseBoolean,
  parseByteSize,
  parseCommaList,
  parseDurationMs,
  parseInteger,
  parseOneOf,
  parseTimestamp,
  sizeReason,
} from './parse.js';

/** The kinds of value an option takes; each has one parser in util/parse.ts. */
export type OptionType = 'int' | 'size' | 'duration' | 'list' | 'choice' | 'time' | 'string' | 'boolean';

/** One option, written once. */
export interface OptionSpec {
  type: OptionType;
  /** Lower bound of an int, size (bytes) or duration (ms). @default 1 (0 for durations) */
  min?: number;
  /** Upper bound of an int, size or duration. @default 2^53 - 1 */
  max?: number;
  /** The values of a choice. */
  choices?: readonly string[];
  /** What each item of a list must match, and an example list for the error. */
  item?: RegExp;
  example?: string;
  /** The long flag; `null` for an option with no flag. @default the key in kebab-case */
  flag?: string | null;
  /** The one-letter flag. */
  short?: string;
  /** The flag may be repeated: a list's items from every occurrence are joined. */
  multiple?: boolean;
  /** The variable that sets it, then other variables (lowest precedence last). */
  env?: string;
  aliases?: readonly string[];
  /** The value's name in help (`N`, `FILE`). */
  arg?: string;
  /** How the flag reads in help when not `--flag ARG` (`--[no-]progress`). */
  usage?: string;
  /** The help text: one or more lines, broken by hand. */
  help: string;
  /** More text for docs/options.md only. */
  doc?: string;
  /** The default value (ms for durations, bytes for sizes). */
  default?: number | string | boolean;
  /** The default in words, where it is computed (`available cores`). */
  defaultText?: string;
  /** The value is never shown in an error or a log. */
  secret?: boolean;
  /** The help section it is listed in. @default 'options' */
  group?: string;
}

/** A surface's options by key. */
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'int' | 'size' | 'duration'
  ? number
  : S['type'] extends 'list'
    ? string[]
    : S['type'] extends 'time'
      ? Date
      : S['type'] extends 'boolean'
        ? boolean
        : string;

/** Parsed values of a schema, by key; absent when not given. */
export type OptionValues<T extends OptionSchema> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

/** The long flag of an option, or undefined when it has none. */
export function flagOf(key: string, spec: OptionSpec): string | undefined {
  if (spec.flag === null) return undefined;
  return spec.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flags of a schema as typed: `--output`, `-o`. */
export function flagNames(schema: OptionSchema): string[] {
  return Object.entries(schema).flatMap(([key, spec]) => {
    const flag = flagOf(key, spec);
    return [...(flag === undefined ? [] : [`--${flag}`]), ...(spec.short === undefined ? [] : [`-${spec.short}`])];
  });
}

function bounds(spec: OptionSpec): Bounds {
  return { ...(spec.min === undefined ? {} : { min: spec.min }), ...(spec.max === undefined ? {} : { max: spec.max }) };
}

/** Parse `raw` (from a flag, variable or query) as `spec` says, naming `option` in an error. */
export function parseValue(spec: OptionSpec, option: string, raw: string): number | string | string[] | Date | boolean {
  try {
    switch (spec.type) {
      case 'int':
        return parseInteger(option, raw, bounds(spec));
      case 'size':
        return parseByteSize(option, raw, bounds(spec));
      case 'duration':
        return parseDurationMs(option, raw, bounds(spec));
      case 'list':
        return parseCommaList(option, raw, {
          ...(spec.item === undefined ? {} : { item: spec.item }),
          ...(spec.example === undefined ? {} : { example: spec.example }),
        });
      case 'choice':
        return parseOneOf(option, raw, spec.choices ?? []);
      case 'time':
        return parseTimestamp(option, raw);
      case 'boolean':
        return parseBoolean(option, raw);
      case 'string':
        return raw;
    }
  } catch (err) {
    // A secret's value is never echoed.
    if (spec.secret && err instanceof InvalidOptionError) throw new InvalidOptionError(err.option, err.reason);
    throw err;
  }
}

/** Check a library caller's value against `spec` (`option` is e.g. `options.threads`); the default when undefined. */
export function checkValue(spec: OptionSpec, option: string, value: unknown): unknown {
  const fallback = spec.default;
  switch (spec.type) {
    case 'int':
    case 'size':
    case 'duration':
      return checkInteger(
        option,
        value,
        { min: spec.min ?? (spec.type === 'duration' ? 0 : 1), ...bounds(spec) },
        fallback as number,
        spec.type === 'int' ? intReason : spec.type === 'size' ? sizeReason : durationReason,
      );
    case 'boolean':
      if (value === undefined) return fallback;
      if (typeof value !== 'boolean') throw new InvalidOptionError(option, 'must be a boolean');
      return value;
    case 'choice':
      if (value === undefined) return fallback;
      if (typeof value !== 'string' || !spec.choices?.includes(value))
        throw new InvalidOptionError(option, `must be one of ${spec.choices?.join(', ')}`);
      return value;
    default:
      return value ?? fallback;
  }
}

/** Check every option of `schema` that `values` has, by key; returns the values with defaults. */
export function checkOptions<T extends OptionSchema>(
  schema: T,
  values: object,
  prefix = 'options.',
): Record<keyof T, unknown> {
  const v = values as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(schema).map(([key, spec]) => [key, checkValue(spec, `${prefix}${key}`, v[key])]),
  ) as Record<keyof T, unknown>;
}

/** What the option's value must be, in words (for the docs and the JSON schema). */
export function describeType(spec: OptionSpec): string {
  switch (spec.type) {
    case 'int':
      return spec.max === undefined ? `integer ≥ ${spec.min ?? 1}` : `integer ${spec.min ?? 1}-${spec.max}`;
    case 'size':
      return `size${spec.min !== undefined && spec.min > 1 ? `, at least ${formatSize(spec.min)}` : ''}${spec.max !== undefined ? `, at most ${formatSize(spec.max)}` : ''}`;
    case 'duration':
      return `duration${spec.min ? `, at least ${formatDuration(spec.min)}` : ''}${spec.max !== undefined ? `, at most ${formatDuration(spec.max)}` : ''}`;
    case 'list':
      return 'comma-separated list';
    case 'choice':
      return `one of ${spec.choices?.join(', ')}`;
    case 'time':
      return 'RFC 3339 time';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
  }
}

/** Bytes as the size options are written: `32MB`, `512KB`, `64`. */
export function formatSize(n: number): string {
  for (const [unit, m] of [
    ['GB', 1 << 30],
    ['MB', 1 << 20],
    ['KB', 1 << 10],
  ] as const)
    if (n >= m && n % m === 0) return `${n / m}${unit}`;
  return String(n);
}

/** The default as help shows it, or undefined when there is none to show. */
export function defaultOf(spec: OptionSpec): string | undefined {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.default === undefined || spec.default === false) return undefined;
  if (typeof spec.default === 'number' && spec.type === 'duration') return formatDuration(spec.default);
  if (typeof spec.default === 'number' && spec.type === 'size') return formatSize(spec.default);
  return String(spec.default);
}

/** A JSON schema of the option's value, for fastify's validation of a query parameter. */
export function jsonSchemaOf(
  spec: OptionSpec,
  description = spec.help.replace(/\s*\n\s*/g, ' '),
): Record<string, unknown> {
  const base = { description };
  switch (spec.type) {
    case 'int':
      return {
        ...base,
        type: 'integer',
        minimum: spec.min ?? 1,
        ...(spec.max === undefined ? {} : { maximum: spec.max }),
        ...(typeof spec.default === 'number' ? { default: spec.default } : {}),
      };
    case 'choice':
      return {
        ...base,
        type: 'string',
        enum: [...(spec.choices ?? [])],
        ...(typeof spec.default === 'string' ? { default: spec.default } : {}),
      };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'time':
      return { ...base, type: 'string', format: 'date-time' };
    default:
      return { ...base, type: 'string' };
  }
}
