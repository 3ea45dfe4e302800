/**
 * Memory is bounded by the number of distinct conversations, not by input size: digest fixtures
 * of 1x, 4x, 10x and 20x the size drawn from the same small conversation pool (2,000 conversations, so
 * both sizes reach every key and the digests have the same rows) and compare peak RSS.
 *
 *   npm run bench -- memory      (or: npx tsx bench/memory.ts --size 100MB)
 */
import { benchFixture, DIST, parseSizeArg } from './lib/fixture.js';
import { runChild } from './lib/child.js';

const size = parseSizeArg(process.argv.slice(2), '--size', 50e6);
console.log('\n| input MB of lines | objects | rows | peak RSS MB | seconds |');
console.log('|---:|---:|---:|---:|---:|');
for (const factor of [1, 4, 10, 20]) {
  const fx = await benchFixture(size * factor, 16 * factor, 1, 2000);
  const r = await runChild(`
import { digestInputs } from ${JSON.stringify(DIST)};
const t0 = performance.now();
const d = await digestInputs([${JSON.stringify(fx.dir)}], { threads: 2 });
globalThis.result = { seconds: (performance.now() - t0) / 1000, rows: d.size };`);
  console.log(
    `| ${(fx.bytes / 1e6).toFixed(0)} | ${fx.files.length} | ${r.rows} | ${r.maxRssMB.toFixed(0)} | ${r.seconds.toFixed(2)} |`,
  );
}
