// Each row spans its own records: start is their earliest start, end their latest end
// (per edge, not one global range).
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { bodyLines, lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

it('keeps min start and max end per row, across objects and threads', async () => {
  const d = await digester.digest([
    memory(
      lines(rec({ srcaddr: 'a', start: 1030, end: 1040 }), rec({ srcaddr: 'b', start: 1500, end: 1600 })),
      lines(rec({ srcaddr: 'a', start: 1010, end: 1020 }), rec({ srcaddr: 'b', start: 1550, end: 1560 })),
      lines(rec({ srcaddr: 'a', start: 1020, end: 1090 })),
    ),
  ]);
  expect(bodyLines(digestToString(d)).map((l) => `${l.split(' ')[3]} ${l.split(' ').slice(10, 12).join(' ')}`)).toEqual(
    ['a 1010 1090', 'b 1500 1600'],
  );
});
