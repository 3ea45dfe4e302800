/** Byte sizes as people write them: `64MB`, `512KiB`, `1.5g`, or plain bytes. */

// Binary units whatever the spelling: 1 MB here is 1 MiB, as for the options that take a size.
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1 << 20,
  mb: 1 << 20,
  mib: 1 << 20,
  g: 1 << 30,
  gb: 1 << 30,
  gib: 1 << 30,
};

/**
 * `64MB`, `512KiB`, `1.5g`, or plain bytes, as a whole number of bytes (rounded down); undefined
 * when it is not a size, is below one byte, or is beyond 2^53. Units are binary and any case.
 */
export function parseSize(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (m === null || unit === undefined) return undefined;
  const n = Math.floor(Number(m[1]) * unit);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}
