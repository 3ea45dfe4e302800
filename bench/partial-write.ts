/**
 * Writing a binary partial, in process: one engine digest of DIR written again and again to a
 * file, alternating this thread's JavaScript path (`partialChunks`: every range merged and
 * collected row by row here) and `writeDigest`'s (each range's partition made on the pool's
 * workers, by the kernel where it takes the range). CPU is the whole process's
 * (`process.cpuUsage()`: every thread). The two outputs must be the same bytes.
 *
 *   npm run build && node --import tsx bench/partial-write.ts DIR [--runs 7] [--workers 2]
 *
 * Prints one JSON line: rows, bytes, and the median CPU and wall seconds of each path.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Digest } from '../src/index.js';
import { DIST } from './lib/fixture.js';

// The built library (its pool starts the built worker).
const lib = (await import(pathToFileURL(DIST).href)) as typeof import('../src/index.js');
const { partialChunks } = (await import(
  pathToFileURL(join(DIST, '..', 'digest', 'partial.js')).href
)) as typeof import('../src/digest/partial.js');

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { runs: { type: 'string' }, workers: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/partial-write.ts DIR [--runs 7] [--workers 2]');
  process.exit(2);
}
const digester = lib.createDigester({ threads: Number(values.workers ?? 2) });
const digest = await digester.digest([positionals[0]]);

async function onThisThread(d: Digest, path: string): Promise<void> {
  const out = createWriteStream(path);
  for (const chunk of partialChunks(d)) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await finished(out);
}

async function onWorkers(d: Digest, path: string): Promise<void> {
  const out = createWriteStream(path);
  await lib.writeDigest(d, out, 'partial');
  out.end();
  await finished(out);
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
async function timed(write: () => Promise<void>): Promise<[number, number]> {
  const c = cpu(),
    t = performance.now();
  await write();
  return [cpu() - c, (performance.now() - t) / 1000];
}

const here: Array<[number, number]> = [],
  away: Array<[number, number]> = [];
for (let i = 0; i < Number(values.runs ?? 7); i++) {
  here.push(await timed(() => onThisThread(digest, '/tmp/partial-write-here.bin')));
  away.push(await timed(() => onWorkers(digest, '/tmp/partial-write-away.bin')));
}
const a = readFileSync('/tmp/partial-write-here.bin'),
  b = readFileSync('/tmp/partial-write-away.bin');
const median = (xs: Array<[number, number]>, k: 0 | 1) =>
  Number(
    xs
      .map((x) => x[k])
      .sort((p, q) => p - q)
      [xs.length >> 1].toFixed(3),
  );
console.log(
  JSON.stringify({
    rows: digest.size,
    bytes: a.length,
    same: a.equals(b),
    thisThread: { cpuS: median(here, 0), wallS: median(here, 1) },
    workers: { cpuS: median(away, 0), wallS: median(away, 1) },
  }),
);
await digester.close();
