/**
 * A command's arguments read against its option schema (cli/options.ts), with the errors a user
 * can act on: the option named, the value shown, "did you mean" for a near miss, and, for an
 * option of another command, which commands have it.
 */
import { InvalidOptionError, UsageError } from '../errors.js';
import { readValues, tokenize } from '../util/argv.js';
import { flagNames, flagOf, type OptionSchema, type OptionValues } from '../util/option-schema.js';
import { suggest } from '../util/suggest.js';
import { COMMAND_OPTIONS } from './options.js';
import { checkOutputPath } from './output-check.js';

export { UsageError };

/** Parsed values by key (absent when not given), the positionals, and where each value came from. */
export interface Parsed<T extends OptionSchema> {
  values: OptionValues<T>;
  positionals: string[];
  origins: Record<string, string>;
}

/** `and`-joined: `dot`, `dot and report`, `digest, dot and report`. */
function joinAnd(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The error for a flag `command` lacks: the commands that have it (from their schemas), else
 * the nearest flag of this one.
 */
export function unknownOption(command: string, flag: string, commands = COMMAND_OPTIONS): UsageError {
  const others = Object.entries(commands)
    .filter(([name, schema]) => name !== command && flagNames(schema).includes(flag))
    .map(([name]) => name);
  const message =
    others.length > 0
      ? `unknown option ${flag} for ${command}; ${flag} is an option of ${joinAnd(others)}`
      : `unknown option ${flag}${suggest(flag, flagNames(commands[command] ?? {}))}`;
  return new UsageError(message, command, { option: flag, reason: 'is not an option of this command' });
}

/**
 * Read `argv` by `schema`; `env` supplies the options that have variables. With `--help`, no
 * other value is read. An `--output` path is checked at once (see {@link checkOutputPath}).
 * @throws UsageError naming the option.
 */
export function parse<T extends OptionSchema>(
  command: string,
  argv: readonly string[],
  schema: T,
  env: Record<string, string | undefined> = {},
): Parsed<T> {
  try {
    const tokens = tokenize(schema, argv, (flag) => {
      throw unknownOption(command, flag);
    });
    if (tokens.given.get('help')?.raw === true)
      return { values: { help: true } as unknown as OptionValues<T>, positionals: tokens.positionals, origins: {} };
    const { values, origins } = readValues(schema, tokens, env);
    // Every command's `--output` is checked here, before it reads anything: a missing or
    // read-only directory fails at once, naming the path as given, not after the whole run.
    const output = (values as { output?: unknown }).output;
    if (typeof output === 'string') checkOutputPath(output);
    return { values, positionals: tokens.positionals, origins };
  } catch (err) {
    if (err instanceof InvalidOptionError) throw UsageError.of(err, command);
    throw err;
  }
}

/**
 * The flags of `argv` as given, by flag name, unparsed: for a command whose values are read
 * with other sources (serve: flags, then variables, which config.ts weighs and parses).
 * @throws UsageError for an unknown flag or a missing value.
 */
export function parseRaw(
  command: string,
  argv: readonly string[],
  schema: OptionSchema,
): { flags: Record<string, string | boolean>; positionals: string[] } {
  try {
    const tokens = tokenize(schema, argv, (flag) => {
      throw unknownOption(command, flag);
    });
    const flags: Record<string, string | boolean> = {};
    for (const [key, { raw }] of tokens.given) flags[flagOf(key, schema[key])!] = raw;
    return { flags, positionals: tokens.positionals };
  } catch (err) {
    if (err instanceof InvalidOptionError) throw UsageError.of(err, command);
    throw err;
  }
}

/** Run `check` (a library's parser or validation), turning its option fault into a usage error of `command`. */
export function usage<R>(command: string, check: () => R): R {
  try {
    return check();
  } catch (err) {
    if (err instanceof InvalidOptionError) throw UsageError.of(err, command);
    throw err;
  }
}
