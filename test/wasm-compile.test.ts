// compileWasm optimizes every function of flowdigest's modules up front, and leaves the tiering
// of the host's own modules (compiled after it) and of a host that chose its own tiering alone.
// V8's test natives (--allow-natives-syntax, in a child process) tell which code a function runs.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

// Ours: the scan kernel through compileWasm; the host's: the Parquet line writer, compiled
// directly after it (another module: V8 shares the code of equal module bytes). Each function is
// called once, which never tiers it up on its own.
const probe = `
import { compileWasm, instantiateWasm } from ${JSON.stringify(`${root}src/util/wasm-compile.ts`)};
import { SCAN_WASM_BASE64 } from ${JSON.stringify(`${root}src/format/wasm/scan-wasm.ts`)};
import { PARQUET_LINES_WASM_BASE64 } from ${JSON.stringify(`${root}src/format/wasm/parquet-lines-wasm.ts`)};
// The kernel grows its memory through the host (format/kernel-memory.ts): a stand-in that refuses.
const ours = instantiateWasm(compileWasm(SCAN_WASM_BASE64), { env: { grow_memory: () => -1 } });
const host = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(PARQUET_LINES_WASM_BASE64, 'base64'))).exports;
ours.table_size();
host.heap_base();
// The optimized code comes from a background compile: wait for it, at most WAIT_MS.
for (let i = 0; i < Number(process.env.WAIT_MS) / 50 && !%IsTurboFanFunction(ours.table_size); i++) await new Promise((r) => setTimeout(r, 50));
console.log(JSON.stringify({ ours: %IsTurboFanFunction(ours.table_size), host: %IsTurboFanFunction(host.heap_base) }));
`;

function run(flags: string[], waitMs: number): { ours: boolean; host: boolean } {
  const child = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', ...flags, '--import', 'tsx', '--input-type=module', '-e', probe],
    { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, WAIT_MS: String(waitMs) } },
  );
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim()) as { ours: boolean; host: boolean };
}

it("optimizes flowdigest's module at once and leaves the host's next module to tier as usual", () => {
  expect(run([], 10_000)).toEqual({ ours: true, host: false });
});

it('leaves a host that chose its own tiering alone', () => {
  // The default, said explicitly: compileWasm sets no flag, so its module tiers as any other
  // (the wait is shorter: a second is many times what the first case takes).
  expect(run(['--wasm-dynamic-tiering'], 1000)).toEqual({ ours: false, host: false });
});
