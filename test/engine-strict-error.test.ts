// In strict mode a malformed line fails the run with a MalformedRecordError that crossed the
// worker boundary with its class, code, key and line intact.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDigester, FlowdigestError, MalformedRecordError } from '../dist/index.js';
import { gzip, lines, rec, writeFiles } from './support/flowlog.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();

it('rejects with MalformedRecordError naming the file and line', async () => {
  const [bad] = writeFiles(dir, {
    'b/bad.log.gz': gzip(lines(rec(), '', rec(), rec({ srcport: 'http' }), rec())),
    'a/good.log': lines(rec()),
  });
  const err = await digester.digest([dir], { strict: true }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedRecordError);
  expect(err).toBeInstanceOf(FlowdigestError);
  const e = err as MalformedRecordError;
  expect(e.name).toBe('MalformedRecordError');
  expect(e.code).toBe('FD_ERR_MALFORMED_RECORD');
  expect(e.key).toBe(bad);
  expect(e.line).toBe(4);
  expect(e.field).toBe('srcport');
  expect(e.message).toContain(`${bad}:4:`);
});

it('rejects on the committed edge-cases file at line 3', async () => {
  const err = await digester.digest(['fixtures/sample/edge-cases.log'], { strict: true }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedRecordError);
  expect(err).toMatchObject({ code: 'FD_ERR_MALFORMED_RECORD', key: 'fixtures/sample/edge-cases.log', line: 3 });
});

it('digests the same file without strict, counting it', async () => {
  const d = await digester.digest([join(dir, 'b')]);
  expect(d.stats).toMatchObject({ malformed: 1, digested: 3 });
});
