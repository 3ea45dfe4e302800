import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/tmp.js';

// tempDir must clean up after itself wherever it is called: a directory left behind by each run
// of the suite filled /tmp with hundreds of them before it registered with the running test.
describe('tempDir', () => {
  const atTopLevel = tempDir('flowdigest-tmp-top-');
  let inTest = '';

  it('makes a directory inside a test', () => {
    inTest = tempDir('flowdigest-tmp-in-');
    expect(existsSync(inTest)).toBe(true);
  });

  it('removed the one made inside the previous test, and keeps the file-level one until the end', () => {
    expect(inTest).not.toBe('');
    expect(existsSync(inTest)).toBe(false);
    expect(existsSync(atTopLevel)).toBe(true);
  });
});
