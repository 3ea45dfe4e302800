// After an object's header line, the kernel takes the lines that follow it in the same window:
// only the header is parsed in JavaScript (the whole first window was, about 2,000 lines an
// object), and the digest is the same.
import { expect, it } from 'vitest';
import { Scanner } from '../dist/format/scanner.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable } from '../dist/table/table.js';

const kernel = WasmKernel.load()!;
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
const lines = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `2 123456789012 eni-a 10.0.${i >> 8}.${i & 255} 10.1.0.1 443 ${40000 + i} 6 1 100 10 20 ACCEPT OK\n`,
  ).join('');

/** Scan `text` pushed in two pieces, cut at `cut`: the rows JavaScript's table took, and the kernel's. */
function scan(text: string, cut: number): { js: number; kernel: number } {
  const table = new DigestTable(16);
  const s = new Scanner(table, { key: 'obj', strict: true, maxSamples: 5, filter: {}, kernel });
  const bytes = Buffer.from(text);
  s.push(bytes.subarray(0, cut));
  s.push(bytes.subarray(cut));
  let fromKernel = 0;
  s.end((rows) => {
    fromKernel = rows.size;
  });
  expect(s.counters.headers).toBe(text.startsWith('\n') || text.startsWith('version') ? 1 : 0);
  return { js: table.size, kernel: fromKernel };
}

it('parses only the header in JavaScript, the lines after it in the kernel', () => {
  expect(scan(HEADER + lines(3000), 1 << 20)).toEqual({ js: 0, kernel: 3000 });
  // Blank lines before it, and the header cut across two pushes.
  expect(scan(`\n\n${HEADER}${lines(3000)}`, 1 << 20)).toEqual({ js: 0, kernel: 3000 });
  expect(scan(HEADER + lines(3000), 37)).toEqual({ js: 0, kernel: 3000 });
});
