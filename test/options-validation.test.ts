// Every option is validated at the edge with an InvalidOptionError that names it.
import { afterAll, expect, it } from 'vitest';
import {
  createDigester,
  digestInputs,
  InvalidOptionError,
  type DigesterOptions,
  type DigestRunOptions,
} from '../dist/index.js';
import { lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const invalid = (field: string, message: string) => (e: unknown) =>
  e instanceof InvalidOptionError && e.code === 'FD_ERR_INVALID_OPTION' && e.field === field && e.message === message;

// The bounds are the flags' own (DIGESTER_OPTIONS): --workers and --prefetch refuse the same values.
const BOUNDED: Record<string, string> = {
  threads: 'must be an integer from 1 to 256',
  prefetchConcurrency: 'must be an integer from 1 to 1024',
  prefetchBytes: 'must be a positive number of bytes',
};

it.each([
  ['threads', 0],
  ['threads', -1],
  ['threads', 1.5],
  ['threads', '2'],
  ['threads', NaN],
  ['threads', Infinity],
  ['threads', 257],
  ['prefetchConcurrency', 0],
  ['prefetchConcurrency', 2.5],
  ['prefetchConcurrency', null],
  ['prefetchConcurrency', 1025],
  ['prefetchBytes', 0],
  ['prefetchBytes', -1024],
  ['prefetchBytes', 1e3 + 0.5],
  ['prefetchBytes', '64MB'],
])('createDigester rejects %s = %j', (name, value) => {
  expect(() => createDigester({ [name]: value } as unknown as DigesterOptions)).toThrow(
    expect.toSatisfy(invalid(`options.${name}`, `options.${name} ${BOUNDED[name] ?? 'must be a positive integer'}`)),
  );
});

it('accepts the defaults and positive integers', async () => {
  const d = createDigester({ threads: 1, prefetchConcurrency: 1, prefetchBytes: 1 });
  expect(d.options).toMatchObject({ threads: 1, prefetchConcurrency: 1, prefetchBytes: 1 });
  await d.close();
});

const run = (o: DigestRunOptions) => digester.digest([memory(lines(rec()))], o);

it.each([
  [
    'start equal to end',
    { start: new Date(1000), end: new Date(1000) },
    'options.start',
    'options.start must be before options.end',
  ],
  [
    'start after end',
    { start: new Date(2000), end: new Date(1000) },
    'options.start',
    'options.start must be before options.end',
  ],
  ['an invalid start', { start: new Date(NaN) }, 'options.start', 'options.start must be a valid Date'],
  ['a non-Date end', { end: 1000 as unknown as Date }, 'options.end', 'options.end must be a valid Date'],
  [
    'empty accounts',
    { accounts: [] },
    'options.accounts',
    'options.accounts must be a non-empty array of non-empty strings',
  ],
  [
    'an empty account',
    { accounts: ['1', ''] },
    'options.accounts',
    'options.accounts must be a non-empty array of non-empty strings',
  ],
  [
    'accounts as a string',
    { accounts: '1' as unknown as string[] },
    'options.accounts',
    'options.accounts must be a non-empty array of non-empty strings',
  ],
  [
    'empty regions',
    { regions: [] },
    'options.regions',
    'options.regions must be a non-empty array of non-empty strings',
  ],
  [
    'a non-string region',
    { regions: [1] as unknown as string[] },
    'options.regions',
    'options.regions must be a non-empty array of non-empty strings',
  ],
  ['a non-signal', { signal: {} as AbortSignal }, 'options.signal', 'options.signal must be an AbortSignal'],
] as [string, DigestRunOptions, string, string][])('digest rejects %s', async (_what, options, field, message) => {
  await expect(run(options)).rejects.toSatisfy(invalid(field, message));
});

it.each([
  ['no inputs', [], 'inputs', 'inputs must be a non-empty array of paths or sources'],
  ['an empty path', [''], 'inputs[0]', 'inputs[0] must not be empty'],
  ['a non-source object', ['x.log', { list: 1 }], 'inputs[1]', 'inputs[1] must be a path string or an ObjectSource'],
])('digest rejects %s', async (_what, inputs, field, message) => {
  await expect(digester.digest(inputs as never)).rejects.toSatisfy(invalid(field, message));
});

it('digestInputs validates digester options before starting a pool', async () => {
  await expect(digestInputs([memory(lines(rec()))], { threads: 0 })).rejects.toSatisfy(
    invalid('options.threads', 'options.threads must be an integer from 1 to 256'),
  );
});
