/**
 * A durable streamed write's tail: `writeDurable` with a writer of `--mb` MiB in 1 MiB chunks,
 * with background flushes every 16 MiB (the default) and with none (`flushEveryBytes: 0`),
 * alternating, `--rounds` times each. Prints, per setting, the milliseconds from the writer's
 * last byte to the write resolving (the final fsync, the rename, the directory's fsync), and
 * the whole write's. Put `--dir` on a real disk: on tmpfs an fsync is free.
 *
 *   npm run build && node --import tsx bench/durable-write.ts [--dir DIR] [--mb 101] [--rounds 7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DIST } from './lib/fixture.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    dir: { type: 'string' },
    mb: { type: 'string', default: '101' },
    rounds: { type: 'string', default: '7' },
  },
});
const { writeDurable } = (await import(
  pathToFileURL(join(DIST, '..', 'util', 'durable.js')).href
)) as typeof import('../src/util/durable.js');
const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'flowdigest-durable-'));
const mib = Number(values.mb);
const chunk = Buffer.alloc(2 ** 20, 'x');

async function writeOnce(flushEveryBytes: number | undefined): Promise<{ tail: number; total: number }> {
  let last = 0;
  const t0 = performance.now();
  await writeDurable(
    join(dir, 'out.bin'),
    async (out) => {
      for (let i = 0; i < mib; i++) if (!out.write(chunk)) await once(out, 'drain');
      last = performance.now();
    },
    flushEveryBytes === undefined ? {} : { flushEveryBytes },
  );
  const t1 = performance.now();
  return { tail: t1 - last, total: t1 - t0 };
}

const settings: Array<[string, number | undefined]> = [
  ['flushes every 16 MiB', undefined],
  ['final fsync only', 0],
];
const results = new Map(settings.map(([name]) => [name, [] as Array<{ tail: number; total: number }>]));
try {
  for (let r = 0; r < Number(values.rounds); r++)
    for (const [name, every] of r % 2 ? [...settings].reverse() : settings)
      results.get(name)!.push(await writeOnce(every));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1);
const span = (xs: number[]) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
console.log(`${mib} MiB in 1 MiB chunks, ${values.rounds} rounds each, in ${values.dir ?? tmpdir()}`);
for (const [name, rs] of results) {
  const tail = rs.map((x) => x.tail);
  const total = rs.map((x) => x.total);
  console.log(
    `${name}: after the last byte ${med(tail)} ms (${span(tail)}); whole write ${med(total)} ms (${span(total)})`,
  );
}
