/** "Did you mean" for a near-miss name: shared by the CLI's options and commands and the service's variables and query parameters. */
import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean --x?)` when a candidate is close enough, else ''. */
export function suggest(input: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(input, candidates as string[]);
  return distance(input, best) <= Math.max(2, Math.floor(input.length / 3)) ? ` (did you mean ${best}?)` : '';
}
