/**
 * Memory is bounded by the number of distinct conversations, not by input size: digest fixtures
 * of 1x and 5x the size with the same conversation pool and compare peak RSS.
 *
 *   npm run bench -- memory      (or: npx tsx bench/memory.ts --size 100MB)
 */
import { benchFixture, DIST, parseSizeArg } from './lib/fixture.js';
import { runChild } from './lib/child.js';

const size = parseSizeArg(process.argv.slice(2), '--size', 100e6);
console.log('\n| input MB of lines | objects | rows | peak RSS MB | seconds |');
console.log('|---:|---:|---:|---:|---:|');
for (const factor of [1, 5]) {
  const fx = await benchFixture(size * factor, 16 * factor);
  const r = await runChild(`
import { digestInputs } from ${JSON.stringify(DIST)};
const t0 = performance.now();
const d = await digestInputs([${JSON.stringify(fx.dir)}], { threads: 2 });
globalThis.result = { seconds: (performance.now() - t0) / 1000, rows: d.size };`);
  console.log(`| ${(fx.bytes / 1e6).toFixed(0)} | ${fx.files.length} | ${r.rows} | ${r.maxRssMB.toFixed(0)} | ${r.seconds.toFixed(2)} |`);
}
