/** Durations as people write them: `250ms`, `90s`, `5m`, `2h`, `7d`, or plain milliseconds. */

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: 3_600_000, d: 86_400_000 };

/**
 * `250ms`, `90s`, `5m`, `2h`, `7d`, `1h30m`, or plain milliseconds, as whole milliseconds
 * (rounded); undefined when it is not a duration or is beyond 2^53 ms.
 */
export function parseDuration(value: string): number | undefined {
  const v = value.trim();
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v);
  let ms: number;
  if (m !== null) ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
  else if (/^(\d+(ms|s|m|h|d))+$/.test(v))
    // Compound, largest unit first or not: 1h30m, 2d12h.
    ms = [...v.matchAll(/(\d+)(ms|s|m|h|d)/g)].reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0);
  else return undefined;
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}

/** `ms` in the largest unit that divides it exactly, so {@link parseDuration} reads it back: `5m`, `90s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
