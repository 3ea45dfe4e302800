/**
 * Compiling flowdigest's WebAssembly modules (the scan kernel, the Parquet line writer) with
 * every function optimized from the start.
 *
 * V8 compiles a module's functions with its baseline compiler (Liftoff) and optimizes a function
 * only once it has run a while ("dynamic tiering"); code already running stays baseline code. A
 * digest calls some kernel functions once per run (the sort of a run table, its layout) on
 * hundreds of thousands of entries: they ran as baseline code, measured 265-272 ms against
 * 112-120 ms optimized for a 459 k-entry sort. Compiled with dynamic tiering off, a module's
 * functions start as baseline code and are all optimized at once in the background, which is
 * done long before the first object is scanned: whole-process CPU 0.92x at 40% rows per record,
 * 0.98x at 1% (docs/performance.md, "Eager tier-up").
 *
 * The flag is process-wide, so it is set for the compile only and set back at once: modules the
 * host compiles later tier as they did. A host that chose its own tiering (the flag, or
 * `--liftoff`, in its exec arguments or NODE_OPTIONS) is left alone.
 */
// The little of the WebAssembly API flowdigest uses (Node has it; the ES2022 lib does not type it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports?: object) => { exports: unknown };
};

/** A compiled WebAssembly module. */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

/**
 * A new instance of `module` given `imports`: its exports. Throws as `new WebAssembly.Instance`
 * does (no memory for its first pages).
 */
export function instantiateWasm(module: WasmModule, imports?: object): unknown {
  return new WebAssembly.Instance(module, imports).exports;
}

/** Compile `base64`'s module, eagerly optimized where the runtime allows. Throws as `new WebAssembly.Module` does. */
export function compileWasm(base64: string): WasmModule {
  const bytes = Buffer.from(base64, 'base64');
  const setFlags = tieringSetter();
  if (setFlags === null) return new WebAssembly.Module(bytes);
  // Not lazily either: a function compiled at its first call would be compiled under the
  // flags of then, not these (V8 13).
  setFlags('--no-wasm-dynamic-tiering --no-wasm-lazy-compilation');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    // Both V8's defaults (Node 20 to 24).
    setFlags('--wasm-dynamic-tiering --wasm-lazy-compilation');
  }
}

let setter: ((flags: string) => void) | null | undefined;

/** V8's flag setter, or null where the host set its own tiering or the runtime refuses. */
function tieringSetter(): ((flags: string) => void) | null {
  if (setter !== undefined) return setter;
  setter = null;
  const own = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    /wasm-dynamic-tiering|wasm-lazy-compilation|liftoff/.test(a),
  );
  if (own) return setter;
  // Loaded here, not imported: a host that never compiles a kernel never loads node:v8 (about 3 ms a thread).
  try {
    setter = process.getBuiltinModule('node:v8').setFlagsFromString;
  } catch {
    setter = null;
  }
  return setter;
}
