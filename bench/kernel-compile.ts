/**
 * What the kernel's compile costs a process: each round starts a fresh Node process that compiles
 * one module the way a worker does (`compileWasm`: every function optimized, in the background)
 * and reports the process's CPU from just before the compile until V8's background compile is
 * done (it waits a fixed 1.5 s, idle, so the figure is the compile's CPU, not wall time). The full
 * kernel and the lean one (the workers' first) alternate, round by round.
 *
 *   npm run build && node --import tsx bench/kernel-compile.ts [--rounds 7]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ args: process.argv.slice(2), options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node --import tsx bench/kernel-compile.ts [--rounds 7]');
  process.exit(2);
}

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
// The child: compile one module as the kernel wrapper does, then idle while V8 finishes it.
const child = (which: 'SCAN_WASM_BASE64' | 'SCAN_LEAN_WASM_BASE64') => `
  const { compileWasm } = await import(${JSON.stringify(`${dist}util/wasm-compile.js`)});
  const m = await import(${JSON.stringify(`${dist}format/wasm/scan-wasm.js`)});
  const before = process.cpuUsage();
  compileWasm(m.${which});
  await new Promise((r) => setTimeout(r, 1500));
  const used = process.cpuUsage(before);
  console.log(((used.user + used.system) / 1000).toFixed(1), Buffer.from(m.${which}, 'base64').length);
`;

const kernels = [
  { name: 'full', code: child('SCAN_WASM_BASE64'), ms: [] as number[], bytes: 0 },
  { name: 'lean', code: child('SCAN_LEAN_WASM_BASE64'), ms: [] as number[], bytes: 0 },
];
for (let r = 0; r < rounds; r++) {
  for (const k of kernels) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', k.code], { encoding: 'utf8' });
    if (out.status !== 0) {
      console.error(`the ${k.name} kernel's compile failed:\n${out.stderr}`);
      process.exit(1);
    }
    const [ms, bytes] = out.stdout.trim().split(' ').map(Number);
    k.ms.push(ms);
    k.bytes = bytes;
  }
}
for (const k of kernels) {
  const sorted = [...k.ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${k.name} kernel, ${(k.bytes / 1024).toFixed(1)} KiB: compile CPU ms ${sorted.join(' ')} (median ${median})`,
  );
}
