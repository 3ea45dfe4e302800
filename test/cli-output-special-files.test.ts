// -o onto a pipe or device writes in place (renaming a temp file over it would replace the
// device with a regular file); -o onto a directory fails naming it.
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const golden = readFileSync(new URL('../fixtures/golden/sample.digest.log', import.meta.url), 'utf8');
const dir = tempDir();

it('writes through a FIFO and leaves it a FIFO', async () => {
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const chunks: Buffer[] = [];
  const reader = new Promise<string>((resolve, reject) => {
    createReadStream(fifo)
      .on('data', (b) => chunks.push(b as Buffer))
      .on('end', () => resolve(Buffer.concat(chunks).toString()))
      .on('error', reject);
  });
  const r = await runCli(['digest', 'fixtures/sample', '-w', '1', '-q', '-o', fifo]);
  expect(r.code).toBe(0);
  expect(await reader).toBe(golden);
  expect(statSync(fifo).isFIFO()).toBe(true);
});

it('fails naming a directory given as -o', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '-w', '1', '-q', '-o', dir]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${dir}: is a directory`);
});
