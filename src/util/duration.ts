/** Durations as people write them: `250ms`, `90s`, `5m`, `2h`, `7d`, or plain milliseconds. */

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: 3_600_000, d: 86_400_000 };

/**
 * `250ms`, `90s`, `5m`, `2h`, `7d`, or plain milliseconds, as whole milliseconds (rounded);
 * undefined when it is not a duration or is beyond 2^53 ms.
 */
export function parseDuration(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (m === null) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
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
