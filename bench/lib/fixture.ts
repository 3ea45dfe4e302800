/** The benchmark fixture: generated once, reused by every bench script. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFixture } from '../../fixtures/generate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Internet scanners in a fixture (see fixtures/lib/scanners.ts): share of records, and distinct probe keys (0 = unbounded). */
export interface ScanOptions {
  scanners: number;
  scanSpace: number;
  /** Population B (fixtures/lib/population-b.ts) with this many talkers; absent = population A. */
  talkers?: number;
}

/**
 * Generate (or reuse) `size` bytes of flow logs in `objects` gzip objects; returns the directory and files.
 * Without scanners (the default) the directory name, and so every existing cached fixture, is unchanged.
 */
export async function benchFixture(size: number, objects = 16, seed = 1, conversations = 20000, scan?: ScanOptions) {
  const b = scan?.talkers !== undefined;
  const scanTag = b
    ? `-popb-t${scan.talkers}-sc${scan.scanners}`
    : scan && scan.scanners > 0
      ? `-sc${scan.scanners}-ss${scan.scanSpace}`
      : '';
  const out = join(
    ROOT,
    'fixtures',
    'generated',
    `bench-${Math.round(size / 1e6)}MB-${objects}o-s${seed}-c${conversations}${scanTag}`,
  );
  const res = await generateFixture({
    out,
    size,
    objects,
    seed,
    conversations,
    format: 'default',
    log: () => {},
    ...(b ? { population: 'b', talkers: scan.talkers, scanners: scan.scanners } : {}),
    ...(!b && scan && scan.scanners > 0 ? { scanners: scan.scanners, scanSpace: scan.scanSpace } : {}),
  } as Parameters<typeof generateFixture>[0]);
  return { dir: out, files: res.files, bytes: res.bytes, lines: res.lines };
}

/** Parse "500MB" / "100MB" / bytes. */
export function parseSizeArg(argv: string[], flag: string, dflt: number): number {
  const i = argv.indexOf(flag);
  if (i < 0) return dflt;
  const m = /^(\d+(?:\.\d+)?)(KB|MB|GB)?$/i.exec(argv[i + 1] ?? '');
  if (!m) throw new Error(`${flag} needs a size like 500MB`);
  return Number(m[1]) * ({ KB: 1e3, MB: 1e6, GB: 1e9 }[(m[2] ?? '').toUpperCase() as 'KB'] ?? 1);
}

export const DIST = join(ROOT, 'dist', 'index.js');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
