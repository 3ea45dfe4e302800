// A failed run exits 1 naming what failed, and -o leaves no file behind; --skip-bad-objects
// turns a corrupt object into a listed skip.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { gzip, lines, rec, truncatedGzip, writeFiles } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
const good = lines(rec({ srcaddr: 'a' }), rec({ srcaddr: 'b', srcport: 50001 }));
const [, bad] = writeFiles(join(dir, 'in'), {
  'a.log.gz': gzip(good),
  'b.log.gz': truncatedGzip(lines(...Array.from({ length: 300 }, (_, i) => rec({ srcport: 30000 + i })))),
});
const out = join(dir, 'out');
writeFiles(out, { '.keep': '' });

it('--strict fails on the malformed edge case, naming edge-cases.log:3', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '--strict', '-w', '1']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('edge-cases.log:3');
  expect(r.stderr).toContain('FD_ERR_MALFORMED_RECORD');
  expect(r.stdout).toBe('');
});

it('a truncated .gz fails naming the file, and -o leaves nothing behind', async () => {
  const target = join(out, 'digest.log.gz');
  const r = await runCli(['digest', join(dir, 'in'), '-w', '1', '-o', target]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(bad);
  expect(r.stderr).toContain('FD_ERR_CORRUPT_OBJECT');
  expect(existsSync(target)).toBe(false);
  expect(readdirSync(out)).toEqual(['.keep']);
});

it('--strict with -o leaves nothing behind either', async () => {
  const target = join(out, 'strict.log');
  const r = await runCli(['digest', 'fixtures/sample/edge-cases.log', '--strict', '-w', '1', '-o', target]);
  expect(r.code).toBe(1);
  expect(readdirSync(out)).toEqual(['.keep']);
});

it('--skip-bad-objects exits 0, lists the skipped file and digests the rest', async () => {
  const target = join(out, 'skipped.log');
  const r = await runCli(['digest', join(dir, 'in'), '-w', '1', '--skip-bad-objects', '-o', target]);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(new RegExp(`skipped object .*${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  expect(readFileSync(target, 'utf8')).toBe(referenceDigest([{ name: 'a', text: good }]).text);
});
