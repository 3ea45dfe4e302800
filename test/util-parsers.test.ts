// util/size.ts and util/duration.ts are the one parser each for sizes and durations. The
// service still has its own copies (src/service/config.ts): until it imports these, both must
// read every input the same way, so switching it over changes nothing.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseDuration as serviceDuration, parseSize as serviceSize } from '../dist/service/config.js';
import { formatDuration as serviceFormat } from '../dist/service/ids.js';
import { formatDuration, parseDuration } from '../dist/util/duration.js';
import { parseSize } from '../dist/util/size.js';

// Strings near the grammar (digits, a fraction, spaces, unit letters of any case) and any string.
const number = fc.tuple(fc.stringMatching(/^\d{1,18}$/), fc.option(fc.stringMatching(/^\.\d{0,4}$/), { nil: '' }))
  .map(([i, f]) => i + f);
const near = (units: string[]) => fc.tuple(fc.constantFrom('', ' ', '  '), number, fc.constantFrom('', ' '), fc.constantFrom(...units), fc.constantFrom('', ' '))
  .map((parts) => parts.join(''));
const sizeUnits = ['', 'b', 'B', 'k', 'K', 'kb', 'KB', 'KiB', 'kib', 'm', 'MB', 'MiB', 'g', 'GB', 'GiB', 't', 'TB', 'x', 'kB '];
const durationUnits = ['', 'ms', 's', 'm', 'h', 'd', 'MS', 'S', 'w', 'sec', 'min', 'y'];

it('util/size reads every input as the service reads it', () => {
  fc.assert(fc.property(fc.oneof(near(sizeUnits), fc.string()), (v) => {
    expect(parseSize(v)).toBe(serviceSize(v));
  }), { numRuns: 2000 });
});

it('util/duration reads and prints every input as the service does', () => {
  fc.assert(fc.property(fc.oneof(near(durationUnits), fc.string()), (v) => {
    expect(parseDuration(v)).toBe(serviceDuration(v));
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), (ms) => {
    expect(formatDuration(ms)).toBe(serviceFormat(ms));
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  }));
});

it('sizes: binary units in any case, whole bytes, at least one', () => {
  expect(parseSize('64MB')).toBe(64 * 2 ** 20);
  expect(parseSize(' 512 KiB ')).toBe(512 * 1024);
  expect(parseSize('1.5g')).toBe(1.5 * 2 ** 30);
  expect(parseSize('1.9')).toBe(1);
  expect(parseSize('1048576')).toBe(1048576);
  for (const bad of ['', '0', '0.5', '-1', '1TB', '1e6', 'MB', '1 M B', `${2 ** 54}`]) expect(parseSize(bad), bad).toBeUndefined();
});

it('durations: units ms to d, plain numbers are milliseconds', () => {
  expect(parseDuration('250ms')).toBe(250);
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('1.5m')).toBe(90_000);
  expect(parseDuration('2h')).toBe(7_200_000);
  expect(parseDuration('7d')).toBe(604_800_000);
  expect(parseDuration('1500')).toBe(1500);
  expect(parseDuration('0')).toBe(0);
  for (const bad of ['', 's', '-1s', '5 min', '1w', '2H', `${2 ** 54}`]) expect(parseDuration(bad), bad).toBeUndefined();
});
