// The layering of src/: each folder imports only from its own layer or below, and no module
// imports itself back through a cycle. The layers are the data path, bottom to top.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Bottom to top; folders on one line are peers and must not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts'],
  ['util'],
  ['table'],
  ['format'],
  ['digest'],
  ['sources'],
  ['prefetch'],
  ['pool'],
  ['engine'],
  ['graph', 'cluster', 'audit', 'collect'],
  ['report'],
  ['service'],
  ['cli'],
  ['index.ts'],
];

function layerOf(top: string): number {
  const i = LAYERS.findIndex((names) => names.includes(top));
  if (i < 0) throw new Error(`src/${top} is in no layer: add it to LAYERS in test/layers.test.ts`);
  return i;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

/** Relative imports of a file, as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    out.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
  }
  return out;
}

const topOf = (file: string) => relative(SRC, file).split('/')[0]!;
const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('src/ layering', () => {
  it('has no upward or sideways import between folders', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      const from = topOf(file);
      for (const dep of deps) {
        const to = topOf(dep);
        if (to === from) continue;
        const edge = `${relative(SRC, file)} -> ${relative(SRC, dep)}`;
        if (layerOf(to) >= layerOf(from)) wrong.push(edge);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle between modules', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('resolves every relative import to a file in src/', () => {
    const missing = [...graph].flatMap(([file, deps]) =>
      deps.filter((d) => !graph.has(d) && !d.endsWith('.json')).map((d) => `${relative(SRC, file)} -> ${d}`),
    );
    expect(missing).toEqual([]);
  });
});
