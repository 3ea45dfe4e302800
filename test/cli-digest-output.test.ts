// `flowdigest digest fixtures/sample` writes the golden digest: to stdout, to -o FILE, and
// gzip-compressed to -o FILE.gz.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const golden = readFileSync(new URL('../fixtures/golden/sample.digest.log', import.meta.url), 'utf8');
const dir = tempDir();

it('writes the golden digest to stdout', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '-w', '2']);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(golden);
});

it('writes it to -o FILE, and gzip to -o FILE.gz, with nothing on stdout', async () => {
  const [plain, gz] = [join(dir, 'digest.log'), join(dir, 'digest.log.gz')];
  const [a, b] = await Promise.all([
    runCli(['digest', 'fixtures/sample', '-w', '1', '-o', plain]),
    runCli(['digest', 'fixtures/sample', '-w', '1', '-o', gz]),
  ]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(a.stdout + b.stdout).toBe('');
  expect(readFileSync(plain, 'utf8')).toBe(golden);
  const zipped = readFileSync(gz);
  expect([zipped[0], zipped[1]]).toEqual([0x1f, 0x8b]);
  expect(gunzipSync(zipped).toString()).toBe(golden);
});
