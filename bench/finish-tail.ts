/**
 * The end of a digest, in process: from the last object done (the last scan's reply) to the
 * digest resolved (the finish: absorb, sort, count), and writing it as text to a counting sink.
 * Each run is a fresh process; `--dist` may name another build's dist/ for a before and after
 * (alternate them: `for i in 1 2 3; do for d in OLD/dist dist; do ...; done; done`).
 *
 *   npm run build && node --import tsx bench/finish-tail.ts DIR [--dist dist] [--workers 2]
 *
 * Prints one JSON line: total, finish and write in milliseconds, and the bytes written.
 */
import { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DIST } from './lib/fixture.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { dist: { type: 'string' }, workers: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/finish-tail.ts DIR [--dist PATH] [--workers 2]');
  process.exit(2);
}
const entry = values.dist === undefined ? DIST : resolve(values.dist, 'index.js');
const lib = (await import(pathToFileURL(entry).href)) as typeof import('../src/index.js');
const digester = lib.createDigester({ threads: Number(values.workers ?? 2) });
let lastDone = 0;
let done = -1;
const t0 = performance.now();
const digest = await digester.digest([positionals[0]], {
  onProgress: (p) => {
    if (p.objectsDone !== done) {
      done = p.objectsDone;
      lastDone = performance.now();
    }
  },
});
const t1 = performance.now();
let bytes = 0;
await lib.writeDigest(
  digest,
  new Writable({
    write(c: Buffer, _e, cb) {
      bytes += c.length;
      cb();
    },
  }),
  'text',
);
const t2 = performance.now();
const ms = (x: number) => Number(x.toFixed(1));
console.log(JSON.stringify({ totalMs: ms(t2 - t0), finishMs: ms(t1 - lastDone), writeMs: ms(t2 - t1), bytes }));
await digester.close();
