// util/parse.ts is the one parser per kind of value. A flag's string and a library caller's
// number go through bounds that must agree; every refusal carries option, value and reason as
// fields, and its message is composed from them.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { InvalidOptionError, optionMessage } from '../dist/errors.js';
import { formatDuration } from '../dist/util/duration.js';
import {
  checkInteger,
  parseByteSize,
  parseCommaList,
  parseDurationMs,
  parseInteger,
  parseOneOf,
  parseTimestamp,
} from '../dist/util/parse.js';

function caught(f: () => unknown): InvalidOptionError {
  try {
    f();
  } catch (err) {
    if (err instanceof InvalidOptionError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

const bounds = fc
  .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
  .map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));

it('a flag and a library option with the same bounds accept the same integers', () => {
  fc.assert(
    fc.property(bounds, fc.integer({ min: -5, max: 1100 }), (b, n) => {
      const inRange = n >= b.min && n <= b.max;
      const fromFlag = () => parseInteger('--n', String(n), b);
      const fromLibrary = () => checkInteger('options.n', n, b);
      if (inRange) {
        expect(fromFlag()).toBe(n);
        expect(fromLibrary()).toBe(n);
      } else {
        // The same reason from both; only the flag's error shows the value (it was typed).
        const flag = caught(fromFlag);
        const lib = caught(fromLibrary);
        expect(flag.reason).toBe(lib.reason);
        expect(flag).toMatchObject({ option: '--n', value: String(n), code: 'FD_ERR_INVALID_OPTION' });
        expect(lib.value).toBeUndefined();
      }
    }),
  );
});

it('every refusal composes its message from its fields', () => {
  const refusals = [
    () => parseInteger('--jobs', '65', { min: 1, max: 64 }),
    () => parseInteger('PORT', 'http', { min: 0, max: 65535 }),
    () => parseByteSize('--prefetch-bytes', 'lots'),
    () => parseByteSize('--audit-spool-max', '1', { min: 1024, max: 2 ** 40 }),
    () => parseDurationMs('--grace', 'soon'),
    () => parseDurationMs('--max-window', '30s', { min: 60_000 }),
    () => parseCommaList('--account', 'a,,b'),
    () => parseCommaList('--regions', 'mars', { item: /^[a-z]{2}-[a-z]+-\d$/, example: 'us-east-1' }),
    () => parseOneOf('--format', 'csv', ['text', 'ndjson']),
    () => parseTimestamp('--start', 'yesterday'),
  ];
  for (const refuse of refusals) {
    const err = caught(refuse);
    expect(err.message).toBe(optionMessage(err.option, err.reason, err.value));
    expect(err.field).toBe(err.option);
    expect(err.message.startsWith(`${err.option} '${err.value}' `)).toBe(true);
  }
  expect(caught(refusals[0]).message).toBe("--jobs '65' must be an integer from 1 to 64");
  expect(caught(refusals[8]).message).toBe("--format 'csv' must be one of text, ndjson");
});

it('a duration written back by formatDuration reads as the same milliseconds', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
      expect(parseDurationMs('--d', formatDuration(ms))).toBe(ms);
    }),
  );
  expect(parseDurationMs('-d', '1h30m')).toBe(5_400_000);
});
