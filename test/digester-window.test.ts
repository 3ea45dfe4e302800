// The time window [start, end) applies to each record's `end`; records outside it, or without
// an `end`, are counted as filtered.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, FormatError } from '../dist/index.js';
import { bodyLines, lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const at = (s: number) => new Date(s * 1000);

it('keeps records whose end is in [start, end)', async () => {
  const ends = [1099, 1100, 1150, 1199, 1200, 1300];
  const text = lines(
    ...ends.map((end) => rec({ srcaddr: `a${end}`, start: 1000, end })),
    rec({ srcaddr: 'none', end: '-' }),
  );
  const d = await digester.digest([memory(text)], { start: at(1100), end: at(1200) });
  expect(bodyLines(digestToString(d)).map((l) => l.split(' ')[3])).toEqual(['a1100', 'a1150', 'a1199']);
  expect(d.stats).toMatchObject({ digested: 3, filtered: 4 });
});

it('uses `end`, not `start`: a record starting before the window but ending in it is kept', async () => {
  const d = await digester.digest(
    [memory(lines(rec({ start: 500, end: 1150 }), rec({ srcaddr: 'x', start: 1150, end: 1250 })))],
    { start: at(1100), end: at(1200) },
  );
  expect(d.stats).toMatchObject({ digested: 1, filtered: 1 });
});

it('accepts an open-ended window on either side', async () => {
  const text = lines(rec({ srcaddr: 'a', end: 1000 }), rec({ srcaddr: 'b', end: 2000 }));
  expect((await digester.digest([memory(text)], { start: at(1500) })).stats).toMatchObject({
    digested: 1,
    filtered: 1,
  });
  expect((await digester.digest([memory(text)], { end: at(1500) })).stats).toMatchObject({ digested: 1, filtered: 1 });
});

it('rounds a fractional bound up to the next whole second', async () => {
  const d = await digester.digest([memory(lines(rec({ end: 1100 }), rec({ srcaddr: 'x', end: 1101 })))], {
    start: new Date(1100_500),
  });
  expect(d.stats).toMatchObject({ digested: 1, filtered: 1 });
  expect([...d.rows()][0].srcAddr).toBe('x');
});

it('rejects a window over a format that has no `end` field with a FormatError', async () => {
  await expect(digester.digest([memory(lines('srcaddr dstaddr', 'a b'))], { start: at(1000) })).rejects.toSatisfy(
    (e: unknown) => e instanceof FormatError && e.code === 'FD_ERR_FORMAT' && e.key === 'o0' && e.field === 'end',
  );
});
