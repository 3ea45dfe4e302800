/**
 * The e2e sweep's fixtures, shared by bench/e2e.ts (best and worst of a few runs) and
 * bench/rounds.ts (round by round): two independent populations at about 1%, 8% and 40% rows per
 * record, each ~230 MB of lines in 8 gzip objects (v2 with header, S3 layout; the 40%x4 one 4x that).
 */
import { probesAmong } from '../../fixtures/lib/scanners.js';
import { benchFixture } from './fixture.js';

/** The base fixture size the specs were tuned at. */
export const SWEEP_SIZE = 230e6;
const OBJECTS = 8;
const SEED = 1;
const BYTES_PER_LINE = 116; // measured mean line length of these fixtures, for sizing the scan space
const SATURATE = 0.9; // scan space = 90% of the probes of a base-size fixture: every key appears

/** One fixture of the sweep. */
export interface SweepSpec {
  population: 'A' | 'B';
  label: string;
  scanners: number;
  scale: number;
  /** Population B: talkers at 230 MB (scaled with the size). */
  talkers?: number;
}

// A: scanners tuned so that rows/records is ~1%, ~8%, ~40% (≈ 0.0105 + 0.9 * scanners).
// B: talkers and scanners tuned at 230 MB (16 k, 147 k and 918 k rows of 2.0 M records).
export const SWEEP_SPECS: readonly SweepSpec[] = [
  { population: 'A', label: '1%', scanners: 0, scale: 1 },
  { population: 'A', label: '8%', scanners: 0.078, scale: 1 },
  { population: 'A', label: '40%', scanners: 0.45, scale: 1 },
  { population: 'A', label: '40%x4', scanners: 0.45, scale: 4 }, // the 40% population, 4x the records
  { population: 'B', label: '1%', scanners: 0, scale: 1, talkers: 30 },
  { population: 'B', label: '8%', scanners: 0, scale: 1, talkers: 1600 },
  { population: 'B', label: '40%', scanners: 0.6, scale: 1, talkers: 1600 },
];

export const specName = (s: SweepSpec) => `${s.population} ${s.label}`;

const norm = (s: string) => s.replace(/%/g, '').toLowerCase();

/**
 * The specs of `population` (A, B or both) and `only` (a label, e.g. 40%), or a message saying
 * what is wrong with them.
 */
export function selectSpecs(population: string, only: string | undefined, specs = SWEEP_SPECS): SweepSpec[] | string {
  const p = population.toUpperCase();
  if (p !== 'A' && p !== 'B' && p !== 'BOTH') return `--population needs A, B or both, got "${population}"`;
  const chosen = specs.filter(
    (s) => (p === 'BOTH' || s.population === p) && (only === undefined || norm(s.label) === norm(only)),
  );
  return chosen.length > 0
    ? chosen
    : `--only: no fixture "${only}" (have ${[...new Set(specs.map((s) => s.label))].join(', ')})`;
}

// The conversation pool: 7,000 at 230 MB (about 1% rows per record on its own at 2 M lines), in
// proportion at other sizes so the shares hold; the 4x run keeps the base size's pool.
const conversationsAt = (size: number) => Math.max(100, Math.round((7000 * size) / SWEEP_SIZE));
const talkersOf = (s: SweepSpec, size: number) => Math.max(1, Math.round(((s.talkers ?? 0) * size) / SWEEP_SIZE));
// The same scan space for a fixture and its 4x: it is sized from the base size, not the scaled one.
const scanSpaceOf = (s: SweepSpec, size: number) =>
  s.scanners === 0 || s.population === 'B' ? 0 : Math.round(SATURATE * probesAmong(size / BYTES_PER_LINE, s.scanners));

/** The generator's arguments for `s` at base size `size` (fixtures/generate.ts makes the same fixture). */
export function generatorArgs(s: SweepSpec, size: number): string {
  return (
    (s.population === 'B' ? `--population b --talkers ${talkersOf(s, size)} ` : '') +
    `--size ${Math.round((size * s.scale) / 1e6)}MB --objects ${OBJECTS * s.scale} --seed ${SEED} --conversations ${conversationsAt(size)}` +
    (s.scanners > 0 ? ` --scanners ${s.scanners}` : '') +
    (s.scanners > 0 && s.population === 'A' ? ` --scan-space ${scanSpaceOf(s, size)}` : '')
  );
}

/** `s`'s fixture at base size `size`, generated once under fixtures/generated/ and reused. */
export function sweepFixture(s: SweepSpec, size: number) {
  return benchFixture(size * s.scale, OBJECTS * s.scale, SEED, conversationsAt(size), {
    scanners: s.scanners,
    scanSpace: scanSpaceOf(s, size),
    ...(s.population === 'B' ? { talkers: talkersOf(s, size) } : {}),
  });
}

/** Generate (or reuse) the fixtures of `specs`, saying each on stderr. */
export async function sweepFixtures(specs: readonly SweepSpec[], size: number) {
  const out = new Map<SweepSpec, Awaited<ReturnType<typeof sweepFixture>>>();
  for (const s of specs) {
    const t0 = performance.now();
    const fx = await sweepFixture(s, size);
    out.set(s, fx);
    console.error(
      `fixture ${specName(s)}: ${fx.dir} (${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines, ${fx.lines} lines; ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  return out;
}
