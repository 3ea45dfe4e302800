// `flowdigest report` spawned: text within 100 columns with the window and filters in the
// title, JSON equal to the library's, the same report from flow logs as from their digest,
// --baseline, and usage errors with exit code 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { report, reportToJson } from '../dist/report/index.js';
import { ndjson, rowsArb } from './support/report-reference.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-report-');

describe('flowdigest report', () => {
  it('text fits 100 columns and names the window and filters; JSON equals report()', async () => {
    const samples = fc.sample(rowsArb, { numRuns: 4, seed: 20 });
    for (const [i, rows] of samples.entries()) {
      const path = join(dir, `gen${i}.ndjson`);
      writeFileSync(path, ndjson(rows));
      const args = ['--top', '3', '--action', 'REJECT,ACCEPT', '--cidr', '0.0.0.0/0,::/0'];
      const text = await runCli(['report', path, ...args, '-q']);
      expect(text.code).toBe(0);
      expect(text.stderr).toBe('');
      const lines = text.stdout.split('\n');
      expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(100);
      expect(lines.slice(0, 2).join(' ')).toMatch(
        /^flowdigest report: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ to .*\s+filters: cidr 0\.0\.0\.0\/0,::\/0, action ACCEPT,REJECT/,
      );
      for (const s of ['Totals', 'Talkers', 'Listeners', 'Rejected: sources', 'Exposed', 'Probes'])
        expect(text.stdout).toContain(s);
      const json = await runCli(['report', path, ...args, '-f', 'json', '-q']);
      expect(json.code).toBe(0);
      const lib = await report([path], { top: 3, actions: ['REJECT', 'ACCEPT'], cidrs: ['0.0.0.0/0', '::/0'] });
      expect(json.stdout).toBe(reportToJson(lib));
    }
  });

  it('a report from flow logs equals the report from their NDJSON digest', async () => {
    const digest = join(dir, 'sample.ndjson');
    expect((await runCli(['digest', 'fixtures/sample', '-f', 'ndjson', '-q', '-o', digest])).code).toBe(0);
    const fromLogs = await runCli(['report', 'fixtures/sample', '-f', 'json', '-q', '-w', '2']);
    const fromDigest = await runCli(['report', digest, '-f', 'json', '-q']);
    expect(fromLogs.code).toBe(0);
    expect(fromLogs.stdout).toBe(fromDigest.stdout);
    const r = JSON.parse(fromLogs.stdout);
    expect(r.totals.rows).toBeGreaterThan(100);
    expect(r.new).toBeNull();
  });

  it('reads a digest piped into stdin', async () => {
    const [rows] = fc.sample(rowsArb, { numRuns: 1, seed: 3 });
    const path = join(dir, 'piped.ndjson');
    writeFileSync(path, ndjson(rows));
    const piped = await runCli(['report', '-', '-f', 'json', '-q'], { stdin: readFileSync(path) });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe((await runCli(['report', path, '-f', 'json', '-q'])).stdout);
  });

  it('--baseline adds what is new; a digest is nothing new against itself', async () => {
    const [a, b] = fc.sample(rowsArb, { numRuns: 2, seed: 7 });
    writeFileSync(join(dir, 'a.ndjson'), ndjson(a));
    writeFileSync(join(dir, 'b.ndjson'), ndjson(b));
    const self = await runCli([
      'report',
      join(dir, 'a.ndjson'),
      '--baseline',
      join(dir, 'a.ndjson'),
      '-f',
      'json',
      '-q',
    ]);
    expect(JSON.parse(self.stdout).new.total).toBe(0);
    const out = join(dir, 'new.json');
    const r = await runCli(['report', join(dir, 'a.ndjson'), '--baseline', join(dir, 'b.ndjson'), '-q', '-o', out]);
    expect(r.code).toBe(0);
    const lib = await report([join(dir, 'a.ndjson')], { baseline: [join(dir, 'b.ndjson')] });
    expect(readFileSync(out, 'utf8')).toBe(reportToJson(lib));
    expect(lib.new!.baseline.rows).toBeGreaterThan(0);
  });

  it.each([
    [['--port', '70000'], /--port '70000' must be a port number/],
    [['--action', 'DROP'], /--action/],
    [['--cidr', '10.0.0.1/8'], /host bits set/],
    [['--top', '0'], /--top/],
    [['-f', 'csv'], /-f 'csv' must be one of/],
    [['--graph-top', '2501'], /--graph-top '2501' must be an integer from 1 to 2500/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const r = await runCli(['report', 'fixtures/sample', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('flowdigest report --help');
  });

  it('an empty input is a report of nothing (and merge of it a digest of nothing), not a silent exit', async () => {
    const path = join(dir, 'empty.ndjson');
    writeFileSync(path, '');
    const r = await runCli(['report', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowdigest report: no time window\n/);
    expect(r.stdout).toContain('Talkers: sources by bytes\n  no rows');
    expect(r.stderr).toMatch(/^report: 0 rows/);
    const m = await runCli(['merge', path, '-f', 'ndjson']);
    expect(m.code).toBe(0);
    expect(m.stderr).toContain('rows 0');
  });

  it('a long filter list wraps within 100 columns', async () => {
    const ports = Array.from({ length: 40 }, (_, i) => String(1000 + i)).join(',');
    const r = await runCli(['report', 'fixtures/golden/sample.digest.ndjson', '--port', ports, '-q']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines.slice(0, 4).join(' ').replace(/\s+/g, '')).toContain(`port${ports}`);
  });

  it('a missing input fails naming it, exit 1', async () => {
    const r = await runCli(['report', join(dir, 'nope.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.ndjson');
  });
});
