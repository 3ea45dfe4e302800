/**
 * A command line read against an option schema: `--name value`, `--name=value`, `--no-name`
 * for booleans, `-x value`, `-xVALUE`, grouped short booleans (`-qh`), `--` ending options.
 * Flag names are checked here, before any value is read, so an unknown one is reported from its
 * name alone (no library error text is ever parsed); values go through the schema's parsers.
 */
import { InvalidOptionError } from '../errors.js';
import { flagOf, type OptionSchema, type OptionSpec, type OptionValues, parseValue } from './option-schema.js';

/** A command line split into options given (raw, by key) and positionals. */
export interface Tokens {
  given: Map<string, { raw: string | boolean; as: string }>;
  positionals: string[];
}

/** Where each value came from (`--port`, `PORT`): for messages and the start-up log. */
export type Origins = Record<string, string>;

/**
 * Split `argv` by `schema`. `unknown` is called with a flag the schema lacks (as typed, e.g.
 * `--top` or `-x`) and must throw.
 * @throws InvalidOptionError for a flag missing its value, or a boolean given one.
 */
export function tokenize(schema: OptionSchema, argv: readonly string[], unknown: (flag: string) => never): Tokens {
  const byLong = new Map<string, [string, OptionSpec]>();
  const byShort = new Map<string, [string, OptionSpec]>();
  for (const [key, spec] of Object.entries(schema)) {
    const flag = flagOf(key, spec);
    if (flag !== undefined) byLong.set(flag, [key, spec]);
    if (spec.short !== undefined) byShort.set(spec.short, [key, spec]);
  }
  const given: Tokens['given'] = new Map();
  const set = (key: string, raw: string | boolean, as: string) => {
    const before = given.get(key);
    // A repeated list flag adds its items (`-i a -i b` is `-i a,b`); other flags: the last wins.
    if (schema[key].multiple && typeof raw === 'string' && typeof before?.raw === 'string')
      given.set(key, { raw: `${before.raw},${raw}`, as });
    else given.set(key, { raw, as });
  };
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    // A value that follows its flag; one that looks like a flag must be attached with '='.
    const next = (as: string): string => {
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('-') && v !== '-'))
        throw new InvalidOptionError(
          as,
          `needs a value${v === undefined ? '' : ` (to give one starting with '-', write ${as}=${v})`}`,
        );
      i++;
      return v;
    };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      let hit = byLong.get(name);
      if (hit === undefined && name.startsWith('no-')) {
        const positive = byLong.get(name.slice(3));
        if (positive?.[1].type === 'boolean' && inline === undefined) {
          set(positive[0], false, arg);
          continue;
        }
      }
      if (hit === undefined) unknown(`--${name}`);
      hit = hit!;
      const as = `--${name}`;
      if (hit[1].type === 'boolean') {
        if (inline !== undefined) throw new InvalidOptionError(as, 'takes no value', inline);
        set(hit[0], true, as);
      } else set(hit[0], inline ?? next(as), as);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const hit = byShort.get(arg[j]);
      if (hit === undefined) unknown(`-${arg[j]}`);
      const [key, spec] = hit!;
      const as = `-${arg[j]}`;
      if (spec.type === 'boolean') {
        set(key, true, as);
        continue;
      }
      const rest = arg.slice(j + 1);
      set(key, rest === '' ? next(as) : rest.replace(/^=/, ''), as);
      break;
    }
  }
  return { given, positionals };
}

/**
 * The values of the options given on the command line and, for options with variables, in
 * `env` (flags win; an empty variable counts as unset). `origins` says where each came from.
 * @throws InvalidOptionError naming the flag or variable as given.
 */
export function readValues<T extends OptionSchema>(
  schema: T,
  tokens: Pick<Tokens, 'given'>,
  env: Record<string, string | undefined> = {},
): { values: OptionValues<T>; origins: Origins } {
  const values: Record<string, unknown> = {};
  const origins: Origins = {};
  for (const [key, spec] of Object.entries(schema)) {
    const flag = tokens.given.get(key);
    if (flag !== undefined) {
      values[key] = typeof flag.raw === 'boolean' ? flag.raw : parseValue(spec, flag.as, flag.raw);
      origins[key] = flag.as;
      continue;
    }
    const variable = [spec.env, ...(spec.aliases ?? [])].find((v) => v !== undefined && (env[v] ?? '') !== '');
    if (variable !== undefined) {
      values[key] = parseValue(spec, variable, env[variable]!);
      origins[key] = variable;
    }
  }
  return { values: values as OptionValues<T>, origins };
}
