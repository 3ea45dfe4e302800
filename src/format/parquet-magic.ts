/**
 * Parquet's magic bytes, apart from the reader: a worker tells a Parquet object by them and loads
 * the reader (hyparquet, ~30 ms of CPU to import) only when it meets one.
 */
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

/** True when `b` starts and ends with Parquet's magic bytes (a truncated object only starts so). */
export function isParquet(b: Uint8Array): boolean {
  return b.length >= 4 && MAGIC.every((m, i) => b[i] === m);
}
