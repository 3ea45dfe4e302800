// One UTF-8 rule on every path: a line that is not valid UTF-8 is a malformed record (file, stdin,
// gzip, the WebAssembly kernel and JavaScript alike); valid non-ASCII bytes are kept. So the text
// and NDJSON digests of the same input hold the same rows, and diff of the two shows nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { gzip, rec } from './support/flowlog.js';
import { scanInChunks } from './support/scan-chunks.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
/** A record line whose srcaddr is the given bytes. */
function line(src: Buffer | string): Buffer {
  const [head, tail] = rec({ srcaddr: 'SRC', packets: 10 }).split('SRC');
  return Buffer.concat([Buffer.from(head), Buffer.from(src), Buffer.from(`${tail}\n`)]);
}
// Two addresses that differ only in an invalid byte, one valid non-ASCII address, one plain one.
const body = Buffer.concat([
  line(Buffer.from([0x31, 0x30, 0x2e, 0xff])),
  line(Buffer.from([0x31, 0x30, 0x2e, 0xfe])),
  line('10.0.0.é'),
  line('10.0.0.9'),
]);

it('file, stdin and gzip agree: invalid lines malformed, the rest kept byte for byte', async () => {
  const file = join(dir, 'utf8.log');
  writeFileSync(file, body);
  writeFileSync(`${file}.gz`, gzip(body));
  const runs = await Promise.all([
    runCli(['digest', file, '-f', 'ndjson', '-q']),
    runCli(['digest', '-', '-f', 'ndjson', '-q'], { stdin: body }),
    runCli(['digest', '-', '-f', 'ndjson', '-q'], { stdin: gzip(body) }),
    runCli(['digest', file, '-f', 'ndjson', '-q'], { env: { FLOWDIGEST_NO_WASM: '1' } }),
  ]);
  const outs = runs.map((r) => {
    expect(r.code).toBe(0);
    return r.stdout.trim().split('\n');
  });
  for (const o of outs) {
    expect(o.slice(0, -1)).toEqual(outs[0].slice(0, -1));
    const { stats } = JSON.parse(o.at(-1)!);
    expect(stats).toMatchObject({ records: 4, digested: 2, malformed: 2 });
    expect(stats.samples.map((s: { line: number; reason: string }) => `${s.line}:${s.reason}`)).toEqual([
      '1:not valid UTF-8',
      '2:not valid UTF-8',
    ]);
  }
  expect(outs[0].slice(0, -1).map((l) => JSON.parse(l).srcaddr)).toEqual(['10.0.0.9', '10.0.0.é']);
});

it('diff of the text and the NDJSON digest of the same input shows nothing', async () => {
  const file = join(dir, 'x.log');
  writeFileSync(file, body);
  const [t, n] = await Promise.all([
    runCli(['digest', file, '-q', '-o', join(dir, 'X.txt')]),
    runCli(['digest', file, '-q', '-f', 'ndjson', '-o', join(dir, 'X.ndjson')]),
  ]);
  expect([t.code, n.code]).toEqual([0, 0]);
  const d = await runCli(['diff', join(dir, 'X.txt'), join(dir, 'X.ndjson'), '-f', 'text', '--changed']);
  expect(d.code).toBe(0);
  expect(d.stdout).toBe('');
  expect(d.stderr).toContain('0 removed, 0 added, 0 changed; 2 in both');
});

it('the kernel and JavaScript agree on windows with invalid bytes, however chunked', () => {
  const kernel = WasmKernel.load();
  expect(kernel).not.toBeNull();
  const all = Buffer.concat([body, body, line('10.0.0.1')]);
  const scan = (useKernel: boolean, chunk: number) => {
    const r = scanInChunks(all, chunk, useKernel ? kernel : null);
    return {
      text: r.text,
      malformed: r.counters.malformed,
      samples: r.counters.samples.map((m) => Number(m.split(':')[0])),
    };
  };
  const want = scan(false, 1 << 20);
  expect(want.malformed).toBe(4);
  expect(want.samples).toEqual([1, 2, 5, 6]);
  for (const chunk of [1, 7, 64, 1 << 20]) {
    expect(scan(true, chunk)).toEqual(want);
    expect(scan(false, chunk)).toEqual(want);
  }
});

it('merge rejects an NDJSON row whose string is not valid Unicode, naming file:line', async () => {
  const file = join(dir, 'bad.ndjson');
  writeFileSync(
    file,
    '{"account-id":"1","interface-id":"eni-1","srcaddr":"10.0.0.\\udc80","dstaddr":"10.0.0.2","srcport":null,"dstport":443,"protocol":6,"packets":1,"bytes":1,"start":1,"end":2,"action":"ACCEPT","records":1}\n',
  );
  const r = await runCli(['merge', file, '-q']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${file}:1: field 'srcaddr' is not valid Unicode`);
});
