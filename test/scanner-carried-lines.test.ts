// A line split between two pieces of input (carried from one to the next) is read by the kernel
// when it fits the kernel's input, else by JavaScript: either way as JavaScript alone reads it,
// however the input is cut.
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { KERNEL_INPUT_BYTES } from '../dist/table/contract.js';
import { MAX_LINE_BYTES } from '../dist/format/scanner.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load();

const row = (i: number, src = `10.0.0.${i % 250}`) =>
  `2 123456789012 eni-${i} ${src} 10.0.1.1 443 ${40000 + i} 6 3 120 1000 1060 ACCEPT OK`;

it('loads in this runtime', () => {
  expect(kernel).not.toBeNull();
});

it('reads carried lines of every size as JavaScript does: short, past the kernel input, past a line limit', () => {
  const lines = [
    row(1),
    row(2, '9'.repeat(KERNEL_INPUT_BYTES + 100)),
    row(3),
    row(4, '8'.repeat(MAX_LINE_BYTES + 100)),
  ];
  for (let i = 5; i < 400; i++) lines.push(row(i));
  const text = `${lines.join('\n')}\n`;
  for (const chunk of [97, 4096, 65536, KERNEL_INPUT_BYTES - 1, KERNEL_INPUT_BYTES + 3])
    expect(expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k))).toBe(true);
});
