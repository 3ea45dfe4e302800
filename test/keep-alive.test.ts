// A promise that nothing in Node's event loop stands for (here: resolved by an unreferenced
// timer; in the product: the graph's WebAssembly compile, nodejs/node#36616) is waited for when
// wrapped by keptAlive, and not otherwise: the process would stop with it pending.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const keepAlive = pathToFileURL(new URL('../dist/util/keep-alive.js', import.meta.url).pathname).href;

function run(wrapped: boolean) {
  const code = `
    const { keptAlive } = await import(${JSON.stringify(keepAlive)});
    const pending = new Promise((resolve) => setTimeout(() => resolve('settled'), 100).unref());
    console.log(await ${wrapped ? 'keptAlive(pending)' : 'pending'});
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
}

describe('keptAlive', () => {
  it('keeps the process alive until the promise settles', () => {
    const r = run(true);
    expect(r.stdout.trim()).toBe('settled');
    expect(r.status).toBe(0);
  });

  it('is needed: without it the process stops with the promise pending (unsettled top-level await)', () => {
    const r = run(false);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(13);
  });
});
