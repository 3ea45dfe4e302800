/** Human-readable numbers for the CLI's progress and summary lines. */

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function rate(n: number, seconds: number, unit: string): string {
  if (seconds <= 0) return `- ${unit}/s`;
  const r = n / seconds;
  return r >= 1e6
    ? `${(r / 1e6).toFixed(2)}M ${unit}/s`
    : r >= 1e3
      ? `${(r / 1e3).toFixed(1)}k ${unit}/s`
      : `${r.toFixed(0)} ${unit}/s`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}
