/**
 * Graph output and diff at scale: DOT writing through graphlib + graphlib-dot vs the streaming
 * writer, reading DOT back, SVG rendering of a top-N view, and diffing two digests. Each case
 * runs in a fresh process (compiled dist/) that reports its time and peak RSS.
 * Run: `npm run build && npx tsx bench/graph.ts [--rows 200000]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, parseSizeArg } from './lib/fixture.js';
import { runChild } from './lib/child.js';

const rows = parseSizeArg(process.argv.slice(2), '--rows', 200_000);
const dir = mkdtempSync(join(tmpdir(), 'flowdigest-graph-bench-'));
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const PORTS = [443, 22, 53, 80, 8080];

// Row i: a source shared by 5 rows (one per port), one of 5,000 destinations. 70% private
// IPv4, 20% public IPv4, 10% IPv6; so (source, port) and thus every row is distinct.
function address(n: number): string {
  const k = n % 10;
  if (k < 7) return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  if (k < 9) return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
  return `2600:1f18:${(n >> 16).toString(16)}::${(n & 0xffff).toString(16)}`;
}
function line(i: number, bytesBump = 0): string {
  const src = address(Math.floor(i / 5)),
    dst = `10.200.${((i * 31) % 5000) >> 8}.${((i * 31) % 5000) & 255}`;
  const port = PORTS[i % 5],
    proto = port === 53 ? 17 : 6;
  const packets = 1 + (i % 97),
    bytes = packets * (60 + (i % 1400)) + bytesBump;
  return `2 ${['123456789012', '210987654321', 'unknown'][i % 3]} eni-${(i % 200).toString(16).padStart(17, '0')} ${src} ${dst} 0 ${port} ${proto} ${packets} ${bytes} ${1768494000 + (i % 300)} ${1768494300 + (i % 300)} ${i % 17 === 0 ? 'REJECT' : 'ACCEPT'} OK`;
}

const prevPath = join(dir, 'prev.log'),
  nextPath = join(dir, 'next.log');
const prev: string[] = [HEADER],
  next: string[] = [HEADER];
for (let i = 0; i < rows; i++) {
  prev.push(line(i));
  if (i % 10 !== 0) next.push(line(i, i % 10 === 1 ? 100 : 0)); // 10% removed, 10% changed
}
for (let i = rows; i < rows + rows / 10; i++) next.push(line(i)); // 10% added
writeFileSync(prevPath, `${prev.join('\n')}\n`);
writeFileSync(nextPath, `${next.join('\n')}\n`);

const dotPath = join(dir, 'prev.dot'),
  outPath = join(dir, 'out');
const imports = `import { readGraphInput, writeGraph, writeDiff, diffInputs, diffDigests, svgToString } from ${JSON.stringify(DIST)};
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
const t0 = performance.now();
const write = async (fn) => { const out = createWriteStream(${JSON.stringify(outPath)}); await fn(out); out.end(); await once(out, 'finish'); };`;
const done = 'globalThis.result = { seconds: (performance.now() - t0) / 1000 };';

interface Case {
  name: string;
  code: string;
}
const cases: Case[] = [
  { name: 'load digest (baseline)', code: `await readGraphInput(${JSON.stringify(prevPath)});` },
  {
    name: 'DOT, streaming writer',
    code: `const { digest } = await readGraphInput(${JSON.stringify(prevPath)}); await write((out) => writeGraph(digest, out, { writer: 'stream' }));`,
  },
  {
    name: 'DOT, graphlib + graphlib-dot',
    code: `const { digest } = await readGraphInput(${JSON.stringify(prevPath)}); await write((out) => writeGraph(digest, out, { writer: 'graphlib' }));`,
  },
  {
    name: 'DOT of --top 10000, streaming writer',
    code: `const { digest } = await readGraphInput(${JSON.stringify(prevPath)}); await write((out) => writeGraph(digest, out, { writer: 'stream', top: 10000 }));`,
  },
  {
    name: 'DOT of --top 10000, graphlib + graphlib-dot',
    code: `const { digest } = await readGraphInput(${JSON.stringify(prevPath)}); await write((out) => writeGraph(digest, out, { writer: 'graphlib', top: 10000 }));`,
  },
  { name: 'read DOT, flowdigest (line reader)', code: `await readGraphInput(${JSON.stringify(dotPath)});` },
  {
    name: 'read DOT, graphlib-dot',
    code: `const dot = (await import('graphlib-dot')).default; dot.read(readFileSync(${JSON.stringify(dotPath)}, 'utf8'));`,
  },
  {
    name: 'SVG of --top 2000 (wasm)',
    code: `const { digest } = await readGraphInput(${JSON.stringify(prevPath)}); writeFileSync(${JSON.stringify(outPath)}, await svgToString(digest, { top: 2000 }));`,
  },
  {
    name: 'diff --changed, NEXT streamed',
    code: `const d = await diffInputs(${JSON.stringify(prevPath)}, ${JSON.stringify(nextPath)}, { changed: true }); await write((out) => writeDiff(d, out, 'dot'));`,
  },
  {
    name: 'diff --changed, both loaded',
    code: `const a = await readGraphInput(${JSON.stringify(prevPath)}), b = await readGraphInput(${JSON.stringify(nextPath)}); const d = diffDigests(a.digest, b.digest, { changed: true }); await write((out) => writeDiff(d, out, 'dot'));`,
  },
];

try {
  // The DOT to read back, written once by the streaming writer.
  await runChild(`${imports}
const { digest } = await readGraphInput(${JSON.stringify(prevPath)});
const out = createWriteStream(${JSON.stringify(dotPath)}); await writeGraph(digest, out, { writer: 'stream' }); out.end(); await once(out, 'finish');`);
  console.log(
    `\n${rows.toLocaleString('en-US')} rows (PREVIOUS); NEXT: 10% removed, 10% changed, 10% added. Node ${process.version}.\n`,
  );
  console.log('| case | time (s) | peak RSS (MB) |');
  console.log('|---|---:|---:|');
  for (const c of cases) {
    const r = await runChild(`${imports}\n${c.code}\n${done}`);
    console.log(`| ${c.name} | ${r.seconds.toFixed(2)} | ${Math.round(r.maxRssMB)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
