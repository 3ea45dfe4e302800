import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { type Digest, type DigestFormat, digestToString } from '../dist/index.js';
import { resolveDigesterOptions } from '../dist/engine/options.js';
import { DigestRun, FINISH_ONE_TASK_ROWS } from '../dist/engine/run.js';
import { ScanPool } from '../dist/pool/pool.js';
import { lines, memory, objectArb, rec, refInputs, sourceOf } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { writtenBytes } from './support/written.js';

const pools = [new ScanPool({ threads: 2 }), new ScanPool({ threads: 3 })];
afterAll(() => Promise.all(pools.map((p) => p.close())));

const written = async (d: Digest, format: DigestFormat) => (await writtenBytes(d, format)).toString('utf8');

// Many objects, so rows of one partition turn up in scans on other slots and are handed off.
const inputsArb = fc.array(objectArb, { minLength: 1, maxLength: 10 });

it('one-task and parallel finish, around the threshold: text and NDJSON equal the reference', async () => {
  await fc.assert(
    fc.asyncProperty(
      inputsArb,
      fc.integer({ min: 0, max: 1 }),
      fc.constantFrom<number | 'one' | 'all'>(-1, 0, 1, 'one', 'all'),
      async (objects, which, around) => {
        const ref = referenceDigest(refInputs(objects));
        const rows = ref.text.split('\n').length - 2;
        // Below the row count the finish is parallel; at or above a bound of it, one task.
        const rangeRows =
          around === 'one' ? 1 : around === 'all' ? FINISH_ONE_TASK_ROWS : Math.max(1, rows + (around as number));
        const pool = pools[which];
        const opts = resolveDigesterOptions({ threads: pool.threads, rangeRows });
        const d = await new DigestRun(pool, opts, [sourceOf(objects)], {}).run();
        expect(d.size).toBe(rows);
        expect(digestToString(d)).toBe(ref.text);
        expect(await written(d, 'text')).toBe(ref.text);
        expect((await written(d, 'ndjson')).split('\n').slice(0, -2)).toEqual(ref.ndjsonRows);
      },
    ),
    { numRuns: 80 },
  );
});

it('a small digest finishes in one task after the scans; a large one in rounds', async () => {
  // One object of 200 keys: both partitions hold rows, and the scan hands half of them off.
  const body = lines(...Array.from({ length: 200 }, (_, i) => rec({ srcaddr: `10.0.${i % 9}.${i}`, bytes: i })));
  const pool = pools[0];
  const finish = async (rangeRows: number) => {
    const before = pool.submitted;
    const run = new DigestRun(pool, resolveDigesterOptions({ threads: 2, rangeRows }), [memory(body)], {});
    const d = await run.run();
    return { tasks: pool.submitted - before, text: digestToString(d), rows: d.size };
  };
  const one = await finish(FINISH_ONE_TASK_ROWS);
  const rounds = await finish(1);
  expect(one.rows).toBe(200);
  expect(one.text).toBe(rounds.text);
  // The scan, then one task (or an absorb and one task); the rounds: the scan, an absorb, a sort
  // per table (no count: the partitions' keys are disjoint, each range is merged as it is written).
  expect(one.tasks).toBeLessThanOrEqual(3);
  expect(rounds.tasks).toBeGreaterThanOrEqual(4);
});

it('one range around the size a worker formats: written text and NDJSON equal this thread’s and the reference', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2040, max: 2056 }),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 1e6 }),
      async (keys, which, objects, seed) => {
        // `keys` distinct conversations spread over `objects` objects, some repeated across them.
        const texts = Array.from({ length: objects }, (_, o) =>
          lines(
            ...Array.from({ length: keys }, (_, i) => i)
              .filter((i) => (i + seed) % objects === o || i % 7 === o)
              .map((i) =>
                rec({ srcaddr: `10.${o}.${i >> 8}.${i & 255}`, dstport: (i * 13 + seed) % 65536, bytes: i + o }),
              ),
          ),
        );
        const inputs = texts.map((text) => ({ text, gzip: false, fields: [] }));
        const ref = referenceDigest(refInputs(inputs));
        const pool = pools[which];
        const d = await new DigestRun(
          pool,
          resolveDigesterOptions({ threads: pool.threads }),
          [sourceOf(inputs)],
          {},
        ).run();
        expect(digestToString(d)).toBe(ref.text);
        expect(await written(d, 'text')).toBe(ref.text);
        expect((await written(d, 'ndjson')).split('\n').slice(0, -2)).toEqual(ref.ndjsonRows);
      },
    ),
    { numRuns: 12 },
  );
});
