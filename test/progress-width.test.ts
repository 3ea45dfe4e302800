// The progress line fits the terminal it is drawn on (stderr's columns, read at each redraw), and
// drops its least useful parts first, so the ETA or the stage stays visible.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ProgressLine, render } from '../dist/cli/progress.js';
import type { Progress } from '../dist/index.js';

/** A stand-in for process.stderr: its width, and what was written. */
function terminal(columns: number | undefined) {
  const writes: string[] = [];
  const out = { columns, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  return { out, writes };
}

/** The text a redraw put on the line: between the carriage return and the erase-to-end. */
function drawn(write: string): string {
  const m = /^\r(.*)\x1b\[K$/s.exec(write);
  if (!m) throw new Error(`not a redraw: ${JSON.stringify(write)}`);
  return m[1];
}

const progress = fc.record<Progress>({
  objectsListed: fc.nat({ max: 10_000_000 }),
  storedBytesListed: fc.nat({ max: 2 ** 50 }),
  listingDone: fc.boolean(),
  objectsDone: fc.nat({ max: 10_000_000 }),
  storedBytesDone: fc.nat({ max: 2 ** 50 }),
  lines: fc.nat({ max: 2 ** 48 }),
  elapsed: fc.double({ min: 0, max: 1e6, noNaN: true }),
  stage: fc.constantFrom('scanning', 'sorting', 'merging'),
});

it('a long line at 80 columns keeps its ETA whole (it was cut to "ETA listin")', () => {
  const p: Progress = {
    objectsListed: 1_234_567,
    storedBytesListed: 9_876_543_210_000,
    listingDone: false,
    objectsDone: 123_456,
    storedBytesDone: 1_234_567_890_000,
    lines: 123_456_789,
    elapsed: 61,
    stage: 'scanning',
  };
  const full = render('digest', p);
  expect(full.length).toBeGreaterThan(79);
  const { out, writes } = terminal(80);
  new ProgressLine(out, 'digest').update(p);
  const line = drawn(writes[0]);
  expect(line.length).toBeLessThanOrEqual(79);
  expect(line).toMatch(/ETA listing$/);
  expect(line).toContain('123,456/1234567+ objects');
});

it('fits any width, whole when it fits, and keeps the ETA or the stage while there is room', () => {
  fc.assert(
    fc.property(progress, fc.integer({ min: 1, max: 240 }), (p, columns) => {
      const { out, writes } = terminal(columns);
      new ProgressLine(out, 'digest').update(p);
      const line = drawn(writes[0]);
      expect(line.length).toBeLessThanOrEqual(columns - 1);
      const full = render('digest', p);
      if (full.length <= columns - 1) expect(line).toBe(full);
      const tail = p.stage === 'scanning' ? (/ETA \S+$/.exec(full)?.[0] ?? '') : p.stage;
      expect(tail).not.toBe('');
      if (tail.length <= columns - 1) expect(line).toContain(tail);
      else expect(line).toBe(tail.slice(0, columns - 1));
    }),
    { numRuns: 500 },
  );
});

it('reads the width at each redraw (a resized terminal) and draws whole lines where there is none', () => {
  const p: Progress = {
    objectsListed: 16,
    storedBytesListed: 107e6,
    listingDone: true,
    objectsDone: 5,
    storedBytesDone: 38.2e6,
    lines: 1_200_000,
    elapsed: 1,
    stage: 'scanning',
  };
  const { out, writes } = terminal(200);
  const bar = new ProgressLine(out, 'digest');
  bar.update(p);
  expect(drawn(writes[0])).toBe('digest: 5/16 objects  38.2/107.0 MB  1.20M lines/s  ETA 1.8s');
  (out as { columns: number }).columns = 30;
  bar.update({ ...p, stage: 'sorting' });
  expect(drawn(writes[1]).length).toBeLessThanOrEqual(29);
  expect(drawn(writes[1])).toContain('sorting');
  const pipe = terminal(undefined);
  new ProgressLine(pipe.out, 'digest').update(p);
  expect(drawn(pipe.writes[0])).toBe(render('digest', p));
});
