/**
 * Another build's dist/ for a bench's before and after (`--base`), checked before it is loaded.
 *
 * Its files are ES modules only inside a package that says so: a dist/ copied out of a checkout
 * (no package.json with "type": "module" above it) is loaded through tsx's transform when a bench
 * runs under `node --import tsx`, and its kernel steps measured 1.25-1.6× slower for the same
 * code (bench/kernel-ab.ts, a copy of this build's dist/ against this build). A `git worktree`
 * of the old commit, built, is such a package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `dist` resolved, or exit 2 naming why it cannot serve as a base. */
export function baseDist(dist: string): string {
  const at = resolve(dist);
  const pkg = join(dirname(at), 'package.json');
  if (!existsSync(join(at, 'index.js'))) fail(`${at} has no index.js: build that checkout first (npm run build)`);
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
  } catch {
    type = undefined;
  }
  if (type !== 'module')
    fail(
      `${pkg} does not declare "type": "module": use a built git worktree of the old commit as the base, not a copied dist/ (its files would be loaded through tsx's transform and measure slower)`,
    );
  return at;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
