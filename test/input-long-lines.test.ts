// One line limit on every path: a line over MAX_LINE_BYTES is skipped without being held, counted
// as malformed at its file:line, and its bytes still count as bytes of lines. The stream source
// (stdin, big plain files) never holds more than the limit of it; dot and diff never re-read its
// tail as a record.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, StreamSource } from '../dist/index.js';
import { MAX_LINE_BYTES } from '../dist/format/scanner.js';
import { gzip, rec } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const LONG = 3 * MAX_LINE_BYTES + 12345;
const before = rec({ srcaddr: '10.0.0.1' }),
  after = rec({ srcaddr: '10.0.0.3' });
const text = `${before}\n${'A'.repeat(LONG)}\n${after}\n`;

/** A stream of `n` bytes of 'A' (no newline) in 64 KiB chunks, then `tail`, without ever holding the line. */
function longLineStream(n: number, tail: string): Readable {
  const chunk = Buffer.alloc(65536, 'A');
  let left = n;
  return new Readable({
    read() {
      if (left > 0) {
        const k = Math.min(left, chunk.length);
        left -= k;
        this.push(chunk.subarray(0, k));
        return;
      }
      if (tail !== '') {
        this.push(Buffer.from(tail));
        tail = '';
        return;
      }
      this.push(null);
    },
  });
}

it('stdin, a file and a gzip file count the long line as malformed at :2, with its bytes', async () => {
  const file = join(dir, 'long.log');
  writeFileSync(file, text);
  writeFileSync(`${file}.gz`, gzip(text));
  const runs = await Promise.all([
    runCli(['digest', '-', '-f', 'ndjson', '-q'], { stdin: text }),
    runCli(['digest', file, '-f', 'ndjson', '-q']),
    runCli(['digest', `${file}.gz`, '-f', 'ndjson', '-q']),
  ]);
  const stats = runs.map((r) => {
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!).stats;
  });
  const rows = runs.map((r) => r.stdout.trim().split('\n').slice(0, -1));
  expect(rows[0]).toEqual(rows[1]);
  expect(rows[0]).toEqual(rows[2]);
  expect(rows[0]).toHaveLength(2);
  for (const [i, s] of stats.entries()) {
    expect(s).toMatchObject({ records: 3, digested: 2, malformed: 1, bytesRead: Buffer.byteLength(text) });
    expect(s.samples[0]).toMatchObject({ line: 2, reason: `line longer than ${MAX_LINE_BYTES} bytes` });
    expect(s.samples[0].key).toBe(['-', file, `${file}.gz`][i]);
  }
});

it('the stream source never holds more of an over-long line than the limit', async () => {
  const n = 40 * 1024 * 1024;
  const source = new StreamSource(longLineStream(n, `\n${after}\n`), 'piped', 1 << 20);
  const ctx = { signal: new AbortController().signal, skip: () => {} };
  let largest = 0,
    elided = 0;
  for await (const ref of source.list(ctx)) {
    const data = await source.read(ref);
    largest = Math.max(largest, data.length);
    elided += ref.elidedBytes ?? 0;
  }
  expect(largest).toBeLessThanOrEqual(MAX_LINE_BYTES + 1 + 1 + after.length + 1);
  expect(elided).toBe(n - (MAX_LINE_BYTES + 1));
});

it('a 40 MB line on a stream digests as one malformed record, line numbers running on', async () => {
  const n = 40 * 1024 * 1024;
  const d = await digester.digest([
    new StreamSource(longLineStream(n, `\n${after}\nnot a record\n`), 'piped', 1 << 20),
  ]);
  expect(d.stats).toMatchObject({ records: 3, digested: 1, malformed: 2, bytesRead: n + 1 + after.length + 1 + 13 });
  expect(d.stats.samples.map((s: { line: number }) => s.line)).toEqual([1, 3]);
  expect(digestToString(d)).toContain('10.0.0.3');
});

it('a gzip bomb of over-long lines counts their bytes (not 0.0 MB of lines)', async () => {
  const body = `${'B'.repeat(2 * MAX_LINE_BYTES)}\n`.repeat(8);
  const file = join(dir, 'bomb.log.gz');
  writeFileSync(file, gzip(body));
  const r = await runCli(['digest', file, '-w', '1', '--allow-empty']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`${(body.length / 1e6).toFixed(1)} MB of lines`);
  expect(r.stderr).toMatch(/malformed 8\b/);
});

it('dot does not read the tail of a line longer than its blocks as a record', async () => {
  // The tail after the first 4 MiB is a well-formed record on its own: it must not become a row.
  const file = join(dir, 'tail.log');
  writeFileSync(
    file,
    `${before}\n${'C'.repeat(5 * 1024 * 1024)} ${rec({ srcaddr: '10.9.9.9' }).split(' ').slice(1).join(' ')}\n${after}\n`,
  );
  const r = await runCli(['diff', file, file, '-f', 'text']);
  expect(r.code).toBe(0);
  // NEXT is streamed in blocks: without the drop, the tail would be 1 added edge.
  expect(r.stderr).toContain('diff: 0 removed, 0 added');
  expect(r.stderr).toContain('NEXT 2, 1 malformed records skipped');
  const dot = await runCli(['dot', file]);
  expect(dot.code).toBe(0);
  expect(dot.stdout).not.toContain('10.9.9.9');
  expect(dot.stderr).toContain(`1 malformed records skipped (first: ${file}:2: line longer than`);
});
