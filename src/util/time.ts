/**
 * The one RFC 3339 parser (§5.6 date-time) the CLI, the engine's options and the service share,
 * so a time one accepts the others accept too. Exact: every field is range-checked (no
 * 2026-02-30, no hour 24, no leap second), seconds are required, the offset is required, and
 * years 0000-0099 stay years 0000-0099 (`Date.UTC` alone maps them to 1900-1999).
 */

// 'T' or 't' (and ' ', which the §5.6 NOTE allows), 'Z' or 'z' or ±hh:mm, fraction optional.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const MINUTE = 60_000;

/** Epoch ms of the UTC date and time given, for any year 0000-9999 (no 1900 shift for years < 100). */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

/** Days in `month` (1-12) of `year` (proleptic Gregorian). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * Parse an RFC 3339 date-time to epoch ms, or undefined when it is not one. Fractions below a
 * millisecond are truncated (toward the past).
 */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'));
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]),
      om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * MINUTE;
  }
  return utcMs(y, mo, d, h, mi, s, fraction) - offset;
}

/** `YYYY-MM-DDTHH:MM:00Z` for a minute-aligned instant. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
}
