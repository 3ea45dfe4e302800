// util/size.ts and util/duration.ts are the one parser each for sizes and durations, used by the
// CLI and the service alike.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseDuration as serviceDuration } from '../dist/service/config.js';
import { formatDuration, parseDuration } from '../dist/util/duration.js';
import { parseSize } from '../dist/util/size.js';

// Strings near the grammar (digits, a fraction, spaces, unit letters of any case) and any string.
const number = fc
  .tuple(fc.stringMatching(/^\d{1,18}$/), fc.option(fc.stringMatching(/^\.\d{0,4}$/), { nil: '' }))
  .map(([i, f]) => i + f);
const near = (units: string[]) =>
  fc
    .tuple(
      fc.constantFrom('', ' ', '  '),
      number,
      fc.constantFrom('', ' '),
      fc.constantFrom(...units),
      fc.constantFrom('', ' '),
    )
    .map((parts) => parts.join(''));
const sizeUnits = [
  '',
  'b',
  'B',
  'k',
  'K',
  'kb',
  'KB',
  'KiB',
  'kib',
  'm',
  'MB',
  'MiB',
  'g',
  'GB',
  'GiB',
  't',
  'TB',
  'x',
  'kB ',
];
const durationUnits = ['', 'ms', 's', 'm', 'h', 'd', 'MS', 'S', 'w', 'sec', 'min', 'y'];

it('any string near the grammar is a safe integer or refused, never a throw', () => {
  fc.assert(
    fc.property(fc.oneof(near(sizeUnits), fc.string()), (v) => {
      const n = parseSize(v);
      expect(n === undefined || (Number.isSafeInteger(n) && n >= 1)).toBe(true);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.oneof(near(durationUnits), fc.string()), (v) => {
      const n = parseDuration(v);
      expect(n === undefined || (Number.isSafeInteger(n) && n >= 0)).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

it('the service reads durations with the one parser', () => {
  expect(serviceDuration).toBe(parseDuration);
});

it('durations print as they are read back', () => {
  fc.assert(
    fc.property(fc.nat({ max: 2 ** 40 }), (ms) => {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }),
  );
});

it('sizes are whole bytes that grow with the number', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 20 }), fc.constantFrom('', 'KB', 'MiB', 'g'), (n, unit) => {
      const v = parseSize(`${n}${unit}`)!;
      expect(Number.isSafeInteger(v)).toBe(true);
      expect(parseSize(`${n + 1}${unit}`)!).toBeGreaterThan(v);
    }),
  );
});

it('sizes: binary units in any case, whole bytes, at least one', () => {
  expect(parseSize('64MB')).toBe(64 * 2 ** 20);
  expect(parseSize(' 512 KiB ')).toBe(512 * 1024);
  expect(parseSize('1.5g')).toBe(1.5 * 2 ** 30);
  expect(parseSize('1.9')).toBe(1);
  expect(parseSize('1048576')).toBe(1048576);
  for (const bad of ['', '0', '0.5', '-1', '1TB', '1e6', 'MB', '1 M B', `${2 ** 54}`])
    expect(parseSize(bad), bad).toBeUndefined();
});

it('durations: units ms to d, plain numbers are milliseconds', () => {
  expect(parseDuration('250ms')).toBe(250);
  expect(parseDuration('90s')).toBe(90_000);
  expect(parseDuration('1.5m')).toBe(90_000);
  expect(parseDuration('2h')).toBe(7_200_000);
  expect(parseDuration('7d')).toBe(604_800_000);
  expect(parseDuration('1500')).toBe(1500);
  expect(parseDuration('0')).toBe(0);
  for (const bad of ['', 's', '-1s', '5 min', '1w', '2H', `${2 ** 54}`])
    expect(parseDuration(bad), bad).toBeUndefined();
});
