// merge reads NDJSON as JSON does (whitespace, a repeated key keeps its last value) and keeps
// sums beyond 2^53 exact; it rejects a row whose start is after its end, naming file:line; and,
// like dot and diff, it skips a malformed text row and counts it (failing with --strict).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { rec, V2_HEADER } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir();
const row = (extra: string) =>
  `{"account-id":"111122223333","interface-id":"eni-1","srcaddr":"10.0.0.1","dstaddr":"10.0.0.2","srcport":0,"dstport":443,"protocol":6,${extra}"start":1000,"end":1060,"action":"ACCEPT","records":2}`;
const textRow = (packets: string, bytes: string) =>
  `2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 ${packets} ${bytes} 1000 1060 ACCEPT OK`;

async function merge(name: string, body: string, ...args: string[]) {
  const file = join(dir, name);
  writeFileSync(file, body);
  return { file, r: await runCli(['merge', file, ...args]) };
}

it('accepts whitespace around values', async () => {
  const { r } = await merge('space.ndjson', `${row('"packets": 10, "bytes" :\t2000 ,')}\n`);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${V2_HEADER}\n${textRow('10', '2000')}\n`);
});

it('a repeated key keeps its last value, as JSON.parse does', async () => {
  const { r } = await merge('dup.ndjson', `${row('"packets":1,"packets":7,"bytes":5,"bytes":9,')}\n`);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${V2_HEADER}\n${textRow('7', '9')}\n`);
});

it('keeps sums beyond 2^53 exact, with whitespace and repeated keys too', async () => {
  const big = (2n ** 70n + 12345n).toString();
  const { r } = await merge(
    'big.ndjson',
    `${row(`"packets": 1, "packets" : ${big},"bytes":9007199254740993,`)}\n${row('"packets":1,"bytes":1,')}\n`,
  );
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${V2_HEADER}\n${textRow((2n ** 70n + 12346n).toString(), '9007199254740994')}\n`);
});

it('rejects an NDJSON row whose start is after its end, naming file:line', async () => {
  const { file, r } = await merge(
    'rev.ndjson',
    `${row('"packets":1,"bytes":1,')}\n${row('"packets":1,"bytes":1,').replace('"start":1000', '"start":2000')}\n`,
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${file}:2: field 'start' (2000) is after field 'end' (1060)`);
});

it('skips a text row whose start is after its end, counted with file:line; --strict fails on it', async () => {
  const body = `${V2_HEADER}\n${textRow('1', '1')}\n${rec({ start: 2000, end: 1060 })}\n`;
  const { file, r } = await merge('rev.log', body);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`${V2_HEADER}\n${textRow('1', '1')}\n`);
  expect(r.stderr).toContain('malformed 1');
  expect(r.stderr).toContain(`malformed ${file}:3: field 'start' (2000) is after field 'end' (1060)`);
  const strict = await runCli(['merge', file, '--strict']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toContain(
    `${file}:3: field 'start' (2000) is after field 'end' (1060) [FD_ERR_MALFORMED_RECORD]`,
  );
});

it('diff reports the malformed rows it skipped, as dot does', async () => {
  const file = join(dir, 'mixed.log');
  writeFileSync(file, `${V2_HEADER}\n${textRow('1', '1')}\nnot a record at all\n`);
  const [d, g] = await Promise.all([
    runCli(['diff', file, file, '-f', 'text']),
    runCli(['dot', file, '-o', '/dev/null']),
  ]);
  expect([d.code, g.code]).toEqual([0, 0]);
  const note = `1 malformed records skipped (first: ${file}:3: expected 14 fields, found 5)`;
  expect(d.stderr).toContain(`(PREVIOUS 1 rows, ${note}, NEXT 1, ${note})`);
  expect(g.stderr).toContain(note);
});

it('an NDJSON line of raw invalid UTF-8, or over the line limit, fails merge and dot naming file:line', async () => {
  const good = row('"packets":1,"bytes":1,');
  const cases: [string, Buffer, string][] = [
    [
      'raw.ndjson',
      Buffer.concat([
        Buffer.from(`${good}\n`),
        Buffer.from(good.replace('10.0.0.1', '10.0.0.\xff'), 'latin1'),
        Buffer.from('\n'),
      ]),
      ':2: not valid UTF-8',
    ],
    [
      'long.ndjson',
      Buffer.from(`${good}\n${good}\n${good.replace('"eni-1"', `"eni-${'1'.repeat(2 << 20)}"`)}\n`),
      ':3: line longer than 1048576 bytes',
    ],
  ];
  for (const [name, body, why] of cases) {
    const file = join(dir, name);
    writeFileSync(file, body);
    const [m, d] = await Promise.all([runCli(['merge', file, '-q']), runCli(['dot', file, '-q'])]);
    expect([m.code, d.code]).toEqual([1, 1]);
    expect(m.stderr).toContain(`${file}${why}`);
    expect(d.stderr).toContain(`${file}${why}`);
  }
});
