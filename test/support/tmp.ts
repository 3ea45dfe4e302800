/** Temporary directories that tests clean up after themselves. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh directory under the system's temporary directory, removed when the test that made it
 * finishes, or, made outside a test (a file's top level, a hook), when the file's tests end.
 * Vitest ignores an `afterAll` registered inside a running test, so that case needs `onTestFinished`.
 */
export function tempDir(prefix = 'flowdigest-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    afterAll(remove);
  }
  return dir;
}
