/**
 * Copies between a SharedArrayBuffer (how the run tables hold their columns) and a WebAssembly
 * memory (the kernel's), by how source and destination lie modulo 8. V8 copies a shared
 * buffer's bytes a word at a time only when both lie alike; otherwise byte by byte. The kernel's
 * callers place byte ranges copied from or to a table accordingly (format/wasm-kernel.ts,
 * `ALIGN_COPY`; docs/kernel.md, "Copies aligned like the table").
 *
 *   node --import tsx bench/shared-copy.ts [--mb 27] [--rounds 7]
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '27' }, rounds: { type: 'string', default: '7' } },
});
const bytes = Math.round(Number(values.mb) * 1024 * 1024);
const rounds = Number(values.rounds);
if (!(bytes > 0) || !(rounds > 0)) {
  console.error('usage: node --import tsx bench/shared-copy.ts [--mb 27] [--rounds 7]');
  process.exit(2);
}

const memory = new WebAssembly.Memory({ initial: Math.ceil((bytes + 1024) / 65536) + 1 });
const shared = new Uint8Array(new SharedArrayBuffer(bytes + 16)).fill(7);
const plain = new Uint8Array(new ArrayBuffer(bytes + 16)).fill(7);
const wasm = (at: number) => new Uint8Array(memory.buffer, at, bytes);

const cases: Array<[string, () => void]> = [
  ['shared → wasm, alike modulo 8 (0, 0)', () => wasm(0).set(shared.subarray(0, bytes))],
  ['shared → wasm, alike modulo 8 (3, 3)', () => wasm(3).set(shared.subarray(3, 3 + bytes))],
  ['shared → wasm, unlike (0, 3)', () => wasm(3).set(shared.subarray(0, bytes))],
  ['shared → wasm, unlike (4, 0)', () => wasm(0).set(shared.subarray(4, 4 + bytes))],
  ['wasm → shared, unlike (0, 3)', () => shared.subarray(3, 3 + bytes).set(wasm(0))],
  ['plain → wasm, unlike (0, 3)', () => wasm(3).set(plain.subarray(0, bytes))],
];

console.log(`${(bytes / 2 ** 20).toFixed(0)} MiB a copy, median of ${rounds} rounds (Node ${process.versions.node})`);
for (const [name, copy] of cases) {
  copy();
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    copy();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const median = ms[ms.length >> 1];
  console.log(`${name.padEnd(40)} ${median.toFixed(2).padStart(7)} ms  ${(bytes / median / 1e6).toFixed(1)} GB/s`);
}
