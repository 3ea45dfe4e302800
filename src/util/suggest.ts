/** "Did you mean" for a near-miss name: shared by the CLI's options and commands, the service's variables and query parameters, flow-log field names and audit event names. */
import { createRequire } from 'node:module';

type Levenshtein = typeof import('fastest-levenshtein');
let levenshtein: Levenshtein | undefined;

/**
 * The candidate nearest to `input` by edit distance, with that distance; undefined without
 * candidates. fastest-levenshtein is loaded at the first call: only a mistyped name needs it,
 * and importing it at start-up cost every thread 4-5 ms (docs/performance.md, "Start-up").
 */
export function nearest(input: string, candidates: readonly string[]): { best: string; distance: number } | undefined {
  if (candidates.length === 0) return undefined;
  levenshtein ??= createRequire(import.meta.url)('fastest-levenshtein') as Levenshtein;
  const best = levenshtein.closest(input, candidates as string[]);
  return { best, distance: levenshtein.distance(input, best) };
}

/** ` (did you mean --x?)` when a candidate is close enough, else ''. */
export function suggest(input: string, candidates: readonly string[]): string {
  const near = nearest(input, candidates);
  return near !== undefined && near.distance <= Math.max(2, Math.floor(input.length / 3))
    ? ` (did you mean ${near.best}?)`
    : '';
}
