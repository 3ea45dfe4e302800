// Stream definitions, object names, exact NDJSON and the retry policy's arithmetic.
import { expect, it } from 'vitest';
import fc from 'fast-check';
import {
  backoffMs,
  collector,
  fsDestination,
  InvalidStreamError,
  JsonNumber,
  objectName,
  parseJson,
  parseRetryAfter,
  toJsonLine,
  type Source,
} from '../dist/collect/index.js';
import { strictParse } from '../dist/collect/ndjson.js';
import { tempDir } from './support/tmp.js';

const noop: Source = async () => {};
const dest = () => fsDestination({ dir: tempDir('collect-streams-') });

it('validation errors name the stream (or its position when the ID is the problem)', () => {
  const d = dest();
  expect(() =>
    collector([
      { id: 'a', source: noop, destination: d },
      { id: 'a', source: noop, destination: d },
    ]),
  ).toThrow('stream a: id used twice (streams #1 and #2)');
  expect(() => collector([{ source: noop, destination: d } as never])).toThrow(
    'stream #1 has no id; every stream needs a unique id (-i selects by it)',
  );
  expect(() => collector([{ id: 'has space', source: noop, destination: d }])).toThrow(
    /^stream #1: id "has space" must be/,
  );
  expect(() => collector([{ id: 'x', tags: ['ok', 'bad tag'], source: noop, destination: d }])).toThrow(
    /^stream x: tag "bad tag"/,
  );
  expect(() => collector([{ id: 'x', source: 'slack' as never, destination: d }])).toThrow(
    /^stream x: source must be a function/,
  );
  expect(() => collector([{ id: 'x', source: noop, destination: {} as never }])).toThrow(
    /^stream x: destination must have/,
  );
  expect(() => collector([{ id: 'x', source: noop, destination: d, safetyLagMs: -1 }])).toThrow(
    /^stream x: safetyLagMs/,
  );
  try {
    collector([
      { id: 'dup', source: noop, destination: d },
      { id: 'dup', source: noop, destination: d },
    ]);
  } catch (err) {
    expect((err as InvalidStreamError).code).toBe('FD_ERR_STREAM');
    expect((err as InvalidStreamError).key).toBe('dup');
  }
});

it('object names are distinct for distinct (stream, window, seq, label) and stable for equal ones', () => {
  const win = fc
    .tuple(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 1e8 }))
    .map(([s, len]) => ({ start: new Date(s), end: new Date(s + len) }));
  const key = fc.record({
    id: fc.constantFrom('a', 'b', 'slack-audit'),
    w: win,
    seq: fc.nat({ max: 2e6 }),
    label: fc.option(fc.constantFrom('x', 'signinattempts'), { nil: undefined }),
  });
  fc.assert(
    fc.property(key, key, (k1, k2) => {
      const n1 = objectName(k1.id, k1.w, k1.seq, 'ndjson.gz', k1.label);
      const n2 = objectName(k2.id, k2.w, k2.seq, 'ndjson.gz', k2.label);
      const same =
        k1.id === k2.id &&
        +k1.w.start === +k2.w.start &&
        +k1.w.end === +k2.w.end &&
        k1.seq === k2.seq &&
        k1.label === k2.label;
      expect(n1 === n2).toBe(same);
      expect(n1.startsWith(`${k1.id}/${k1.w.start.toISOString().slice(0, 4)}/`)).toBe(true);
    }),
    { numRuns: 500 },
  );
  expect(() => objectName('a', { start: new Date(0), end: new Date(1) }, 0, 'ndjson.gz', '../x')).toThrow(
    InvalidStreamError,
  );
});

it('NDJSON keeps integers beyond 2^53 exact, from parsed vendor text and from bigints', () => {
  const text =
    '{"id": 9223372036854775807, "neg": -9223372036854775808, "f": 0.1, "e": 1e400, "d": 3.14159265358979323846, "s": "a\\"b", "n": [1, 2]}';
  const v = parseJson(text) as Record<string, unknown>;
  expect(v.id).toBeInstanceOf(JsonNumber);
  expect(v.f).toBe(0.1);
  expect(toJsonLine(v as never)).toBe(
    '{"id":9223372036854775807,"neg":-9223372036854775808,"f":0.1,"e":1e400,"d":3.14159265358979323846,"s":"a\\"b","n":[1,2]}',
  );
  expect(toJsonLine({ big: 2n ** 63n })).toBe('{"big":9223372036854775808}');
  expect(toJsonLine({ raw: '{\n  "x": 18446744073709551615\n}' })).toBe('{"x":18446744073709551615}');
  // __proto__ is data, not the prototype.
  expect(toJsonLine(parseJson('{"__proto__":{"a":1}}') as never)).toBe('{"__proto__":{"a":1}}');
  expect(toJsonLine(parseJson('{"__proto__":-12345678901234567890}') as never)).toBe(
    '{"__proto__":-12345678901234567890}',
  );
  expect(Object.getPrototypeOf(parseJson('{"__proto__":12345678901234567890}'))).toBe(Object.prototype);
  expect(() => parseJson('{"a":1,}', 'page 3')).toThrow(/^page 3: invalid JSON at offset 7/);
  // Any JSON text: its line parses to the same value as the text (compared as exact text again).
  fc.assert(
    fc.property(fc.json(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (json, big) => {
      const withBig = `{"v":${json},"big":${big}}`;
      const line = toJsonLine(parseJson(withBig) as never);
      expect(line).not.toContain('\n');
      expect(toJsonLine(parseJson(line) as never)).toBe(line);
      expect(line.endsWith(`"big":${big}}`)).toBe(true);
      expect(JSON.parse(line).v).toEqual(JSON.parse(json));
      // The fast path (JSON.parse with marks) and the hand-written parser agree.
      expect(toJsonLine(strictParse(withBig) as never)).toBe(line);
    }),
    { numRuns: 300 },
  );
  // Long fractions and huge exponents keep their exact decimal value; strings that look like numbers stay strings.
  const decimal = (lit: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lit)!;
    let digits = m[2] + (m[3] ?? '');
    let exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
    digits = digits.replace(/^0+/, '');
    while (digits.endsWith('0')) {
      digits = digits.slice(0, -1);
      exp++;
    }
    return digits === '' ? '0' : `${m[1]}${digits}e${exp}`;
  };
  fc.assert(
    fc.property(
      fc.stringMatching(/^-?[1-9][0-9]{0,25}(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?$/),
      fc.string(),
      (num, str) => {
        const line = toJsonLine(parseJson(`[${num},${JSON.stringify(str)},"${num}"]`) as never);
        const first = line.slice(1, line.indexOf(','));
        expect(decimal(first)).toBe(decimal(num));
        expect(JSON.parse(line)[1]).toBe(str);
        expect(JSON.parse(line)[2]).toBe(num);
      },
    ),
    { numRuns: 300 },
  );
});

it('Retry-After is read as seconds or an HTTP date; backoff stays under its ceiling and never under Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(parseRetryAfter('7', now)).toBe(7000);
  expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter(null, now)).toBeUndefined();
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 1, max: 20 }),
      fc.option(fc.nat({ max: 10_000 }), { nil: undefined }),
      fc.double({ min: 0, max: 0.999999, noNaN: true }),
      (baseMs, retry, after, r) => {
        const policy = { maxAttempts: 10, baseMs, maxMs: 60_000 };
        const wait = backoffMs(policy, retry, after, () => r);
        expect(wait).toBeGreaterThanOrEqual(after ?? 0);
        expect(wait).toBeLessThanOrEqual(Math.max(after ?? 0, Math.min(60_000, baseMs * 2 ** (retry - 1))));
      },
    ),
  );
});

it('selection rejects nothing-selected and unknown names before running anything', async () => {
  let ran = 0;
  const counting: Source = async () => {
    ran++;
  };
  const c = collector([{ id: 'one', tags: ['t'], source: counting, destination: dest() }], { log: () => {} });
  await expect(c.run({})).rejects.toThrow('no streams selected');
  await expect(c.run({ ids: ['onee'] })).rejects.toThrow("unknown stream ID 'onee' (did you mean one?)");
  expect(ran).toBe(0);
  const report = await c.run({ tags: ['t'], window: { start: new Date(0), end: new Date(1000) } });
  expect(report.ok).toBe(true);
  expect(ran).toBe(1);
});

it('two objects of one window with the same seq are refused, not overwritten', async () => {
  const twice: Source = async (ctx) => {
    await ctx.emit({ records: [1], seq: 3 });
    await ctx.emit({ records: [2], seq: 3 });
  };
  const report = await collector([{ id: 'tw', source: twice, destination: dest() }], { log: () => {} }).run({
    all: true,
    window: { start: new Date(0), end: new Date(1000) },
  });
  expect(report.ok).toBe(false);
  expect(report.streams[0].error?.message).toMatch(
    /^stream tw: two objects of one run named tw\/1970\/01\/01\/00\/19700101T000000Z_19700101T000001Z_000003\.ndjson\.gz/,
  );
});
