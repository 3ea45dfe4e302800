/**
 * The HTML view's cost: time, peak RSS and page size of `renderHtml` for the bundled sample
 * (its top 60, as `npm run demo` draws it, and all of it) and for a generated 10k-edge digest.
 * Each case runs in a fresh process on the compiled dist/.
 * Run: `npm run build && npx tsx bench/graph-html.ts [--rows 10000]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, parseSizeArg } from './lib/fixture.js';
import { runChild } from './lib/child.js';

const rows = parseSizeArg(process.argv.slice(2), '--rows', 10_000);
const dir = mkdtempSync(join(tmpdir(), 'flowdigest-html-bench-'));
const GRAPH = DIST.replace(/index\.js$/, 'graph/index.js');
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const PORTS = [443, 22, 53, 80, 5432];

// Row i: one of rows/5 sources (private IPv4, some public and IPv6), one of 2,000 destinations.
function line(i: number): string {
  const n = Math.floor(i / 5),
    k = n % 10;
  const src =
    k < 7
      ? `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
      : k < 9
        ? `198.18.${(n >> 8) & 255}.${n & 255}`
        : `2600:1f18:0:0::${n.toString(16)}`;
  const d = (i * 31) % 2000,
    port = PORTS[i % 5];
  const packets = 1 + (i % 97);
  return (
    `2 ${['123456789012', '210987654321'][i % 2]} eni-${(i % 200).toString(16).padStart(17, '0')} ${src} 10.200.${d >> 8}.${d & 255} 0 ${port} ${port === 53 ? 17 : 6} ` +
    `${packets} ${packets * (60 + (i % 1400))} 1768494000 1768494300 ${i % 17 === 0 ? 'REJECT' : 'ACCEPT'} OK`
  );
}

const big = join(dir, 'big.log');
const lines = [HEADER];
for (let i = 0; i < rows; i++) lines.push(line(i));
writeFileSync(big, `${lines.join('\n')}\n`);

const cases: [string, string, string][] = [
  [
    'sample, --top 60 --collapse-external (npm run demo)',
    'fixtures/golden/sample.digest.ndjson',
    '{ top: 60, collapseExternal: true }',
  ],
  ['sample, every edge', 'fixtures/golden/sample.digest.ndjson', '{}'],
  [`generated, ${rows.toLocaleString('en-US')} edges`, big, '{}'],
];

try {
  console.log(`\nrenderHtml (SVG laid out by wasm Graphviz, page assembled). Node ${process.version}.\n`);
  console.log('| input | edges | time (s) | peak RSS (MB) | page (KB) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, input, options] of cases) {
    const r = await runChild(`import { readGraphInput, htmlToString, applyView } from ${JSON.stringify(GRAPH)};
const { digest } = await readGraphInput(${JSON.stringify(input)});
const t0 = performance.now();
const html = await htmlToString(digest, ${options});
globalThis.result = { seconds: (performance.now() - t0) / 1000, bytes: Buffer.byteLength(html), edges: applyView(digest, ${options}).digest.size };`);
    console.log(
      `| ${name} | ${Number(r.edges).toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.maxRssMB)} | ${Math.round(Number(r.bytes) / 1024).toLocaleString('en-US')} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
