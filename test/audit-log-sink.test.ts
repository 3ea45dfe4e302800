// The log sink: JSON lines on stdout (`-`) from a real process, and appended to a file.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createAuditor, logSink } from '../dist/audit/index.js';
import { input, memoryLogger } from './support/audit-receiver.js';
import { tempDir } from './support/tmp.js';

const DIST = fileURLToPath(new URL('../dist/audit/index.js', import.meta.url));

it("'-' writes one JSON line per event to stdout", async () => {
  const spoolDir = tempDir('flowdigest-audit-stdout-');
  const script = `
    const { createAuditor, logSink } = await import(${JSON.stringify(DIST)});
    const a = await createAuditor({ sinks: [logSink({ path: '-' })], spoolDir: ${JSON.stringify(spoolDir)}, flushMs: 1000 });
    for (let i = 0; i < 3; i++) await a.record({ type: 'graph', action: 'read', actor: { name: 'ci', ip: '::1', authentication: 'none' }, payload: { i }, status: 'success' });
    await a.close(2000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(err).toBe('');
  expect(code).toBe(0);
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; action: string; payload: { i: number } });
  expect(lines.map((l) => [l.type, l.action, l.payload.i])).toEqual([
    ['graph', 'read', 0],
    ['graph', 'read', 1],
    ['graph', 'read', 2],
  ]);
});

it('a file: appended across auditors, created with its directory', async () => {
  const dir = tempDir('flowdigest-audit-logfile-');
  const path = join(dir, 'nested', 'audit.log');
  const ids: string[] = [];
  for (let round = 0; round < 2; round++) {
    const a = await createAuditor({ sinks: [logSink({ path })], spoolDir: join(dir, 'spool'), logger: memoryLogger() });
    ids.push((await a.record(input(round)))!.id);
    await a.close(2000);
  }
  expect(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id),
  ).toEqual(ids);
});
