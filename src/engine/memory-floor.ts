/**
 * The least `maxMemory` a run can use: each worker thread's run table starts at
 * RUN_TABLE_START entries and is charged to the budget before the first row, so below
 * threads × that nothing can be digested. Said up front, with the number, instead of "outgrew
 * its memory limit at 0 rows".
 */
import { MemoryLimitError } from '../errors.js';
import { RUN_TABLE_START } from '../pool/protocol.js';
import { DigestTable } from '../table/table.js';

let tableBytes: number | undefined;

/** Bytes of one run table as it starts (measured once, from the table itself). */
export function startingTableBytes(): number {
  tableBytes ??= new DigestTable(RUN_TABLE_START).bytes;
  return tableBytes;
}

/** The least `maxMemory` for `threads` worker threads, in bytes. */
export function memoryFloor(threads: number): number {
  return threads * startingTableBytes();
}

/** `n` bytes for a message, rounded `up` or down to a tenth of a MiB (whole KiB below 1 MiB). */
const size = (n: number, up: boolean) => {
  const round = up ? Math.ceil : Math.floor;
  return n < 1 << 20 ? `${round(n / 1024)} KiB` : `${round((n / (1 << 20)) * 10) / 10} MiB`;
};

/** Throw {@link MemoryLimitError} when `maxMemory` is below the floor for `threads`. */
export function checkMemoryFloor(maxMemory: number, threads: number): void {
  const floor = memoryFloor(threads);
  if (maxMemory >= floor) return;
  const workers = threads === 1 ? '1 worker' : `${threads} workers`;
  throw new MemoryLimitError(
    `the memory limit of ${size(maxMemory, false)} (--max-memory, maxMemory) is below the minimum for ${workers}: ` +
      `at least ${size(floor, true)} (each worker's table starts at ${size(startingTableBytes(), true)}); raise it, or use fewer workers (-w)`,
  );
}
