// Aborting while other workers are finishing: a worker's reply that lands after its task was
// aborted must not crash the process. Piscina reports such a reply as an 'error' event on the
// pool; unhandled, that event is an uncaught exception. Runs in a child process so a crash
// shows as this test failing rather than as a stray error in the test runner.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

const script = `
import { createDigester } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
const line = (i) => '2 111122223333 eni-1 10.0.' + (i % 250) + '.1 10.0.0.2 ' + (40000 + (i % 20000)) + ' 443 6 1 100 1000 1060 ACCEPT OK\\n';
const small = Buffer.from(line(0));
const big = Buffer.from(Array.from({ length: 100000 }, (_, i) => line(i)).join(''));
const source = {
  description: 'mem',
  async *list() { yield { key: 'small', size: 1 }; yield { key: 'big', size: 1 }; yield { key: 'small', size: 1 }; },
  async read(ref) { return new Uint8Array(ref.key === 'big' ? big : small); },
};
const digester = createDigester({ threads: 2 });
await digester.digest([source]);
for (let i = 0; i < 10; i++) {
  const c = new AbortController();
  // A slow progress callback (e.g. a UI redraw) that then aborts: meanwhile the other objects finish.
  const onProgress = (p) => {
    if (p.objectsDone === 1 && !c.signal.aborted) { const until = performance.now() + 150; while (performance.now() < until); c.abort(); }
  };
  console.log(await digester.digest([source], { signal: c.signal, onProgress }).then(() => 'completed', (e) => e.code));
}
await digester.close();
console.log('closed');
`;

it('survives replies that arrive after their task was aborted', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b;
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  // The first line of an uncaught error, e.g. "Error: Unexpected message from Worker: {".
  expect(/^\w*Error: .*$/m.exec(stderr)?.[0]).toBeUndefined();
  expect(code).toBe(0);
  const outcomes = stdout.trim().split('\n');
  expect(outcomes.at(-1)).toBe('closed');
  expect(outcomes.slice(0, -1)).toEqual(Array.from({ length: 10 }, () => 'FD_ERR_ABORTED'));
});
