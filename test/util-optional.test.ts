// The optional peers: one list in src/util/optional.ts, the same as package.json's; a missing one
// is named with the `npm i` line (ranges from package.json), an installed one passes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { MissingDependencyError } from '../dist/errors.js';
import { installed, OPTIONAL_PACKAGES, requireOptional } from '../dist/util/optional.js';
import { tempDir } from './support/tmp.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
};

it('groups exactly the optional peers of package.json', () => {
  const grouped = new Set(Object.values(OPTIONAL_PACKAGES).flat());
  expect([...grouped].sort()).toEqual(Object.keys(manifest.peerDependencies).sort());
});

it('passes when every package is installed (the dev install has them all)', () => {
  for (const packages of Object.values(OPTIONAL_PACKAGES)) expect(() => requireOptional('x', packages)).not.toThrow();
});

it('names every missing package, the feature and the npm line with the declared ranges', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'node_modules', 'pino'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'pino', 'package.json'), '{"name":"pino"}');
  const nested = join(dir, 'app', 'lib');
  mkdirSync(nested, { recursive: true });
  expect(installed('pino', nested)).toBe(true);
  expect(installed('fastify', nested)).toBe(false);
  let caught: unknown;
  try {
    requireOptional('flowdigest serve', ['fastify', 'pino', 'bullmq'], nested);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MissingDependencyError);
  const err = caught as MissingDependencyError;
  expect(err.code).toBe('FD_ERR_DEPENDENCY');
  expect(err.feature).toBe('flowdigest serve');
  expect(err.packages).toEqual(['fastify', 'bullmq']);
  expect(err.message).toBe(
    `flowdigest serve needs fastify and bullmq, not installed: npm i fastify@${manifest.peerDependencies.fastify} bullmq@${manifest.peerDependencies.bullmq}`,
  );
});

it('a package flowdigest does not declare is named without a range', () => {
  const dir = tempDir();
  expect(() => requireOptional('a plug-in', ['flowdigest-no-such-package'], dir)).toThrow(
    'a plug-in needs flowdigest-no-such-package, not installed: npm i flowdigest-no-such-package',
  );
});
