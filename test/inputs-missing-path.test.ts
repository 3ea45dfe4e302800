// A path that does not exist rejects with an InputError naming it.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDigester, InputError } from '../dist/index.js';
import { lines, rec, writeFiles } from './support/flowlog.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();

it('rejects with InputError (FD_ERR_INPUT) naming the path', async () => {
  const [good] = writeFiles(dir, { 'good.log': lines(rec()) });
  const missing = join(dir, 'no-such', 'flows.log.gz');
  const err = await digester.digest([good, missing]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  expect(err).toMatchObject({ code: 'FD_ERR_INPUT', key: missing });
  expect((err as Error).message).toContain(missing);
  expect((err as Error).message).toMatch(/no such file/);
});
