// A digest written from its ranges keeps the workers rendering while the writer writes: while the
// reader holds one range's bytes, `parallelism + 1` more are already asked for.
import { describe, expect, it } from 'vitest';
import { Digest, emptyStats, type RangeRenderer } from '../dist/digest/digest.js';
import type { RunRange } from '../dist/digest/runs.js';

/** A renderer whose range i is the bytes `<i>\n`, recording when each range was asked for. */
function recordingRenderer(parallelism: number) {
  const asked: number[] = [];
  const renderer: RangeRenderer = {
    open: true,
    parallelism,
    render: async (_runs, range) => {
      const i = (range as RunRange & { i: number }).i;
      asked.push(i);
      return Buffer.from(`${i}\n`);
    },
    partition: async () => new Uint8Array(0),
  };
  return { renderer, asked };
}

describe('a digest written range by range', () => {
  it.each([1, 2, 4])(
    'keeps parallelism + 1 ranges asked for while the reader holds one (parallelism %i)',
    async (p) => {
      const { renderer, asked } = recordingRenderer(p);
      const count = 12;
      const ranges = Array.from({ length: count }, (_, i) => ({ from: [], to: [], i }));
      const digest = Digest.fromRuns([], ranges, 100_000, emptyStats(), renderer);
      const seen: string[] = [];
      let held = 0;
      for await (const chunk of digest.chunksAsync('text')) {
        const text = Buffer.from(chunk).toString('latin1');
        if (text.startsWith('version')) continue; // the header
        seen.push(text);
        // Range `held` is in the reader's hands: the ones after it, up to p + 1 of them, are asked for.
        expect(asked.length).toBe(Math.min(count, held + 1 + p + 1));
        held++;
      }
      expect(seen.join('')).toBe(ranges.map((r) => `${r.i}\n`).join(''));
      expect(asked).toEqual(ranges.map((r) => r.i));
    },
  );
});
