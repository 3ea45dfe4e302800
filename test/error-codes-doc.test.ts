// docs/errors.md documents every FD_ERR_* code: one row per code of src/errors.ts's ErrorCode, no
// row for a code that does not exist, and no code used anywhere in src/ outside that union.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The codes of the `ErrorCode` union in src/errors.ts. */
function declaredCodes(): string[] {
  const source = read('src/errors.ts');
  const union = /export type ErrorCode =([^;]+);/.exec(source);
  if (!union) throw new Error('src/errors.ts: no `export type ErrorCode = ...;` union');
  return [...union[1].matchAll(/'(FD_ERR_[A-Z0-9_]+)'/g)].map((m) => m[1]);
}

/** The codes with a row of their own in docs/errors.md's table (`| \`FD_ERR_X\` | ...`). */
function documentedRows(): string[] {
  return [...read('docs/errors.md').matchAll(/^\| `(FD_ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

it('every declared code has one row, and every row is a declared code', () => {
  const declared = declaredCodes();
  const rows = documentedRows();
  expect(declared.length).toBeGreaterThan(10);
  expect(new Set(rows).size, 'a code documented twice').toBe(rows.length);
  expect(
    declared.filter((code) => !rows.includes(code)),
    'codes without a row in docs/errors.md',
  ).toEqual([]);
  expect(
    rows.filter((code) => !declared.includes(code)),
    'rows for codes src/errors.ts lacks',
  ).toEqual([]);
});

it('the page names no code that does not exist, anywhere in its text', () => {
  const declared = new Set(declaredCodes());
  const named = new Set([...read('docs/errors.md').matchAll(/FD_ERR_[A-Z0-9_]+/g)].map((m) => m[0]));
  expect([...named].filter((code) => !declared.has(code))).toEqual([]);
});

it('no module uses a code outside the ErrorCode union', () => {
  const declared = new Set(declaredCodes());
  const stray = sourceFiles('src').flatMap((path) =>
    [...read(path).matchAll(/'(FD_ERR_[A-Z0-9_]+)'/g)]
      .map((m) => m[1])
      .filter((code) => !declared.has(code))
      .map((code) => `${path}: ${code}`),
  );
  expect(stray).toEqual([]);
});
