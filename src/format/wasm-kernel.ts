/**
 * The WebAssembly scan kernel (src/format/wasm/scan.c): the common flow-log line, parsed and
 * aggregated in compiled code. The Scanner drives it and handles every line it hands back.
 * One kernel per thread; it is compiled once, on first use.
 */
import type { TableView } from '../digest/table.js';
import { INT_STRIDE, NUM_STRIDE } from '../digest/table.js';
import { ROLE_COUNT } from './fields.js';
import type { Layout } from './layout.js';
import { SCAN_WASM_BASE64 } from './wasm/scan-wasm.js';

// The little of the WebAssembly API this file uses (Node has it; the ES2022 lib does not type it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: unknown };
};
interface WasmModule { readonly __brand?: 'WebAssembly.Module' }

interface Exports {
  memory: { buffer: ArrayBuffer };
  input_ptr(): number;
  column_of_ptr(): number;
  counters_ptr(): number;
  table_size(): number;
  table_ints(): number;
  table_nums(): number;
  table_keys(): number;
  table_key_used(): number;
  configure(ncols: number, windowed: number, ws: number, we: number): void;
  clear(cap: number): number;
  scan(from: number, to: number): number;
}

/** Bytes the kernel takes per call (its input buffer). */
export const KERNEL_INPUT_BYTES = 256 * 1024;

/** Counter slots, as scan.c orders them. */
export const K = { lines: 0, blank: 1, records: 2, digested: 3, nodata: 4, skipdata: 5, filtered: 6, bytesRead: 7, packetsSeen: 8, bytesSeen: 9 } as const;

let compiled: WasmModule | null | undefined;

export class WasmKernel {
  private constructor(private readonly x: Exports) {}

  /** This thread's kernel, or null where it cannot run (or FLOWDIGEST_NO_WASM=1 asks for pure JS). */
  static load(): WasmKernel | null {
    if (process.env.FLOWDIGEST_NO_WASM === '1') return null;
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Buffer.from(SCAN_WASM_BASE64, 'base64'));
      } catch {
        compiled = null;
      }
    }
    if (compiled === null) return null;
    return new WasmKernel(new WebAssembly.Instance(compiled).exports as unknown as Exports);
  }

  /** Start an object: its layout and window, zeroed counters, an empty table. False if out of memory. */
  start(layout: Layout, windowStart: number, windowEnd: number, windowed: boolean): boolean {
    const cols = new Int32Array(this.x.memory.buffer, this.x.column_of_ptr(), ROLE_COUNT);
    cols.set(layout.columnOf);
    this.x.configure(layout.roles.length, windowed ? 1 : 0, windowStart, windowEnd);
    return this.x.clear(16384) === 1;
  }

  /**
   * Scan the complete lines of `buf[s, e)` (e just past a newline; at most KERNEL_INPUT_BYTES).
   * Returns e when all were handled, the offset of the first line left to the caller, or -1
   * when the kernel ran out of memory. The range is copied in on the first call (from === s);
   * calls that resume after a line the caller handled reuse that copy.
   */
  scan(buf: Uint8Array, s: number, e: number, from = s): number {
    if (from === s) new Uint8Array(this.x.memory.buffer, this.x.input_ptr(), e - s).set(buf.subarray(s, e));
    const r = this.x.scan(from - s, e - s);
    return r < 0 ? -1 : s + r;
  }

  /** The counters so far (a fresh view: memory may have grown). */
  counters(): Float64Array {
    return new Float64Array(this.x.memory.buffer, this.x.counters_ptr(), 10);
  }

  /** The kernel's table, as views over its memory (valid until the next scan or start). */
  table(): TableView {
    const buf = this.x.memory.buffer, size = this.x.table_size();
    return {
      size,
      ints: new Int32Array(buf, this.x.table_ints(), size * INT_STRIDE),
      nums: new Float64Array(buf, this.x.table_nums(), size * NUM_STRIDE),
      keyBytes: new Uint8Array(buf, this.x.table_keys(), this.x.table_key_used()),
    };
  }
}
