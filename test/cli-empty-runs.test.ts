// A run that digests nothing exits 1 with a one-line reason (an empty digest is more often a
// wrong path, window or format than a quiet hour); --allow-empty keeps exit 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lines, rec, V2_HEADER } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

it.each([
  [
    'every record malformed',
    { 'a.log': lines('1 2 3', '4 5') },
    [],
    /^flowdigest: nothing digested: every record \(2\) was malformed \(first: .*a\.log:1: expected 14 fields, found 3;/,
  ],
  ['no object in the directory', {}, [], /^flowdigest: nothing digested: no object matched the selection/],
  [
    'every object passed over',
    { 'notes.txt': 'hello', 'x.csv': 'a,b' },
    [],
    /^flowdigest: nothing digested: every object was passed over \(not_log_file 2\)/,
  ],
  [
    'a window that keeps no record',
    { 'b.log': lines(V2_HEADER, rec({ end: 1060 })) },
    ['--start', '2026-01-15T16:00:00Z'],
    /^flowdigest: nothing digested: the selection kept no record \(1 filtered out by the window, account or region\)/,
  ],
  [
    'only NODATA',
    { 'c.log': lines(V2_HEADER, rec({ 'log-status': 'NODATA' })) },
    [],
    /no record with log-status OK \(NODATA 1, SKIPDATA 0\)/,
  ],
] as const)('%s: exit 1 with the reason; --allow-empty: exit 0', async (name, files, extra, reason) => {
  const d = join(dir, name.replace(/ /g, '-'));
  mkdirSync(d, { recursive: true });
  for (const [f, body] of Object.entries(files)) writeFileSync(join(d, f), body);
  const r = await runCli(['digest', d, ...extra]);
  expect(r.code).toBe(1);
  expect(lastLine(r.stderr)).toMatch(reason);
  expect(lastLine(r.stderr)).toMatch(/\(--allow-empty exits 0\)$/);
  expect(r.stdout).toBe(`${V2_HEADER}\n`); // the (empty) digest is still written
  const ok = await runCli(['digest', d, ...extra, '--allow-empty']);
  expect(ok.code).toBe(0);
  if (name.startsWith('a window')) expect(ok.stderr).toContain('the window or selection kept no record');
});
