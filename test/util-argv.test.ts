// util/argv.ts reads a command line as node:util parseArgs does (long, --name=value, --no-name,
// short, -xVALUE, grouped short booleans, --), without parsing Node's messages: on every command
// line both accept, both give the same values and positionals.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { InvalidOptionError } from '../dist/errors.js';
import { readValues, tokenize } from '../dist/util/argv.js';
import type { OptionSchema } from '../dist/util/option-schema.js';

const SCHEMA = {
  output: { type: 'string', short: 'o', help: '' },
  format: { type: 'string', short: 'f', help: '' },
  top: { type: 'int', min: 1, max: 99, help: '' },
  quiet: { type: 'boolean', short: 'q', help: '' },
  strict: { type: 'boolean', short: 's', help: '' },
  penwidth: { type: 'boolean', help: '' },
} as const satisfies OptionSchema;
const PARSE_ARGS = {
  output: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
  top: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  strict: { type: 'boolean', short: 's' },
  penwidth: { type: 'boolean' },
} as const;

const word = fc.stringMatching(/^[a-z0-9./][a-z0-9./=-]{0,6}$/);
const token = fc.oneof(
  fc.tuple(fc.constantFrom('--output', '--format', '--top', '-o', '-f'), word).map(([f, v]) => [f, v]),
  fc.tuple(fc.constantFrom('--output=', '--format=', '--top=', '-o', '-f'), word).map(([f, v]) => [f + v]),
  fc.constantFrom(
    ['--quiet'],
    ['--strict'],
    ['--penwidth'],
    ['--no-penwidth'],
    ['--no-quiet'],
    ['-q'],
    ['-qs'],
    ['-sq'],
  ),
  fc.tuple(fc.constantFrom('-qo', '-sf'), word).map(([f, v]) => [f + v]),
  word.map((w) => [w]),
  fc.constant(['-']),
);
const argv = fc
  .tuple(fc.array(token, { maxLength: 8 }), fc.option(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })))
  .map(([tokens, rest]) => [...tokens.flat(), ...(rest === null ? [] : ['--', ...rest])]);

const never = (flag: string): never => {
  throw new Error(`unknown ${flag}`);
};

it('gives the values and positionals parseArgs gives', () => {
  fc.assert(
    fc.property(argv, (args) => {
      const node = parseArgs({ args, options: PARSE_ARGS, allowPositionals: true, allowNegative: true, strict: true });
      const ours = tokenize(SCHEMA, args, never);
      const raw = Object.fromEntries([...ours.given].map(([k, v]) => [k, v.raw]));
      expect(raw).toEqual({ ...node.values });
      expect(ours.positionals).toEqual(node.positionals);
    }),
    { numRuns: 1000 },
  );
});

it('reports an unknown flag by name before reading any value, and a missing value as a field', () => {
  expect(() =>
    tokenize(SCHEMA, ['--top', 'x', '--tpo', '3'], (flag) => {
      throw new Error(`unknown ${flag}`);
    }),
  ).toThrow('unknown --tpo');
  expect(() => tokenize(SCHEMA, ['-x'], never)).toThrow('unknown -x');
  const missing = (() => {
    try {
      tokenize(SCHEMA, ['--output'], never);
    } catch (err) {
      return err;
    }
  })();
  expect(missing).toBeInstanceOf(InvalidOptionError);
  expect(missing).toMatchObject({ option: '--output', reason: 'needs a value' });
  expect(() => tokenize(SCHEMA, ['--quiet=yes'], never)).toThrow("--quiet 'yes' takes no value");
  expect(() => tokenize(SCHEMA, ['--output', '--quiet'], never)).toThrow(
    "--output needs a value (to give one starting with '-', write --output=--quiet)",
  );
});

it('parses each value by its spec, naming the flag as typed', () => {
  const ok = readValues(SCHEMA, tokenize(SCHEMA, ['--top=7', '-q'], never));
  expect(ok).toEqual({ values: { top: 7, quiet: true }, origins: { top: '--top', quiet: '-q' } });
  expect(() => readValues(SCHEMA, tokenize(SCHEMA, ['--top', '100'], never))).toThrow(
    expect.objectContaining({ option: '--top', value: '100', reason: 'must be an integer from 1 to 99' }),
  );
});

it('repeats of a multiple list add up; a variable fills an absent flag; a flag wins over it', () => {
  const schema = {
    id: { type: 'list', multiple: true, short: 'i', help: '' },
    port: { type: 'int', min: 0, max: 65535, env: 'FD_PORT', aliases: ['PORT'], help: '' },
  } as const satisfies OptionSchema;
  const r = readValues(schema, tokenize(schema, ['-i', 'a', '--id', 'b,c'], never), { PORT: '81', FD_PORT: '' });
  expect(r).toEqual({ values: { id: ['a', 'b', 'c'], port: 81 }, origins: { id: '--id', port: 'PORT' } });
  expect(readValues(schema, tokenize(schema, ['--port', '9'], never), { PORT: '81' }).values.port).toBe(9);
});
