/**
 * Argument parsing on node:util parseArgs, with the errors a user can act on: the option named,
 * the value shown, and a "did you mean" for near-miss options and commands.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import { checkOutputPath } from './output-check.js';

export { UsageError };
export { parseChoice, parseList, parsePositiveInt, parseSize, parseTime } from '../util/options.js';

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
    parsed = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    }) as unknown as Parsed<T>;
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
  if ('output' in options && typeof output === 'string' && !(parsed.values as { help?: boolean }).help)
    checkOutputPath(output);
  return parsed;
}
