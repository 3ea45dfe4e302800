// A first line of lowercase words is a header only if it names known fields, each once,
// srcaddr and dstaddr among them; otherwise the object fails with a FormatError naming it,
// instead of every record silently counting as malformed, as OK, or as rows of `-`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDigester, FormatError, StreamSource } from '../dist/index.js';
import { Readable } from 'node:stream';
import { lines, memory, rec, V2_FIELDS, V2_HEADER } from './support/flowlog.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();

const bad: [string, string][] = [
  ['exported by splunk', "unknown field 'exported'"],
  [V2_HEADER.replace('log-status', 'log-statuss'), "unknown field 'log-statuss' (did you mean 'log-status'?)"],
  ['foo bar baz', "unknown field 'foo'"],
  ['srcaddr srcaddr', "names the field 'srcaddr' twice"],
  ['version srcaddr packets', "lacks 'dstaddr'"],
  ['version account-id action', "lacks 'srcaddr' and 'dstaddr'"],
];

it.each(bad)('%j is a FormatError naming the object and line', async (header, why) => {
  const err = await digester.digest([memory(lines(header, rec()))]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).message).toMatch(/^o0:1: looks like a header but /);
  expect((err as FormatError).message).toContain(why);
  expect((err as FormatError).key).toBe('o0');
});

it('fails the same way on a stream, and after blank lines names the header line', async () => {
  const err = await digester
    .digest([new StreamSource(Readable.from([Buffer.from(lines('', 'exported by splunk', rec()))]), 'piped')])
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).message).toMatch(/^piped:2: looks like a header/);
});

it('valid headers still apply: subsets, v3-v5 fields, any order', async () => {
  for (const fields of [
    ['srcaddr', 'dstaddr'],
    ['dstaddr', 'vpc-id', 'srcaddr', 'tcp-flags', 'packets'],
    [...V2_FIELDS].reverse(),
  ]) {
    const d = await digester.digest([memory(lines(fields.join(' '), rec({}, fields)))]);
    expect(d.stats).toMatchObject({ headers: 1, records: 1, digested: 1, malformed: 0 });
  }
});

it('the CLI exits 1 naming the file; an all-malformed run says so, and fails with --strict', async () => {
  const splunk = join(dir, 'splunk.log');
  writeFileSync(splunk, lines('exported by splunk', rec()));
  const r = await runCli(['digest', splunk, '-q']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${splunk}:1: looks like a header but names the unknown field 'exported' [FD_ERR_FORMAT]`);

  const junk = join(dir, 'junk.log');
  writeFileSync(junk, lines('1 2 3', '4 5 6', '7 8 9'));
  const lax = await runCli(['digest', junk]);
  expect(lax.code).toBe(1);
  expect(lax.stderr).toContain(
    `flowdigest: nothing digested: every record (3) was malformed (first: ${junk}:1: expected 14 fields, found 3;`,
  );
  expect((await runCli(['digest', junk, '--allow-empty'])).code).toBe(0);
  expect(lax.stderr).toMatch(/rows 0\n/);
  expect(lax.stderr).not.toContain('records per row');
  expect(lax.stderr).toContain('every record (3) was malformed');
  const strict = await runCli(['digest', junk, '--strict']);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toContain(`${junk}:1: expected 14 fields, found 3`);
});
