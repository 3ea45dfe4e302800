/**
 * Run a measured job in a fresh Node process (compiled dist/ code, no tsx loader) and read back
 * its wall time and peak RSS, so runs don't share heaps, JIT state or caches of each other.
 */
import { spawn } from 'node:child_process';

export interface ChildResult { seconds: number; maxRssMB: number; [k: string]: unknown; }

/** Run `code` (an ES module body that sets `globalThis.result`) and return its measurements. */
export function runChild(code: string, env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  const wrapped = `${code}
const ru = process.resourceUsage();
process.stdout.write('\\n@@' + JSON.stringify({ ...(globalThis.result ?? {}), maxRssMB: ru.maxRSS / 1024 }) + '\\n');`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', wrapped], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@'));
      if (code !== 0 || line === undefined) reject(new Error(`benchmark child failed (exit ${code}): ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice(2)) as ChildResult);
    });
  });
}
