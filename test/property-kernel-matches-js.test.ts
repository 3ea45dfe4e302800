// The WebAssembly kernel and the JavaScript scanner give the same digest, counters and malformed
// samples (file:line) for any object, however it is chunked, with or without a window.
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { assertKernelAgreesOnAnyObject } from './support/scan-chunks.js';

const kernel = WasmKernel.load();

it('loads in this runtime', () => {
  expect(kernel).not.toBeNull();
});

it('kernel and JavaScript agree on any object, chunking and window', () => {
  assertKernelAgreesOnAnyObject(kernel, 300);
});
