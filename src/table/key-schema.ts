/**
 * The conversation key, described as data: the list of fields a digest row is keyed by, in the
 * canonical order rows are sorted by. The tables, the kernel's sort and (later) `--key` read the
 * key from a schema instead of spelling out the v2 layout.
 *
 * How a schema maps onto a table (src/table/table.ts): `bytes` fields are stored as their raw
 * bytes, joined by NUL, in the entry's key bytes (in schema order); `number` fields are Int32
 * columns from `I_SPORT` on (in schema order; -1 = absent). The canonical order compares the
 * `bytes` fields before the first `number` field bytewise as one string (NUL sorts lowest, so
 * this is field by field), then the `number` fields numerically (absent first), then the
 * `bytes` fields after them.
 */
import { InvalidOptionError } from '../errors.js';
import { COL, INT_STRIDE } from './contract.js';

/** How a key field is stored and compared. */
export type KeyFieldKind = 'bytes' | 'number';

/** One field of a conversation key. */
export interface KeyField {
  /** The flow-log field name (`account-id`, `srcport`, ...). */
  readonly name: string;
  readonly kind: KeyFieldKind;
}

/** A conversation key: its fields in canonical order. */
export interface KeySchema {
  readonly fields: readonly KeyField[];
}

/**
 * Today's key (the v2 digest): account, interface, srcaddr, dstaddr, then srcport, dstport,
 * protocol, then action. (The scanner zeroes the ephemeral side of a port pair before keying.)
 */
export const DEFAULT_KEY: KeySchema = Object.freeze({
  fields: Object.freeze([
    { name: 'account-id', kind: 'bytes' },
    { name: 'interface-id', kind: 'bytes' },
    { name: 'srcaddr', kind: 'bytes' },
    { name: 'dstaddr', kind: 'bytes' },
    { name: 'srcport', kind: 'number' },
    { name: 'dstport', kind: 'number' },
    { name: 'protocol', kind: 'number' },
    { name: 'action', kind: 'bytes' },
  ] as const),
});

/** The table's Int32 columns that can hold a key's numbers (`I_SPORT` to the stride's end). */
export const MAX_KEY_NUMBERS = INT_STRIDE - COL.I_SPORT;

/**
 * What the kernel's sort needs to know of a schema: the string fields after the numbers
 * (`tailFields`), and the Int32 columns of the numbers (`numFirst`, `numCount`). Throws
 * {@link InvalidOptionError} (`key`) for a schema a table cannot hold: numbers that are not one
 * run of fields, more numbers than columns, or no field at all.
 */
export function sortShape(key: KeySchema): { tailFields: number; numFirst: number; numCount: number } {
  const kinds = key.fields.map((f) => f.kind);
  if (kinds.length === 0) throw new InvalidOptionError('key', 'must name at least one field');
  const first = kinds.indexOf('number'),
    last = kinds.lastIndexOf('number');
  const numCount = first < 0 ? 0 : last - first + 1;
  if (first >= 0 && kinds.slice(first, last + 1).some((k) => k !== 'number')) {
    throw new InvalidOptionError(
      'key',
      `must list its number fields together (got ${key.fields.map((f) => f.name).join(', ')})`,
    );
  }
  if (numCount > MAX_KEY_NUMBERS) {
    throw new InvalidOptionError('key', `has ${numCount} number fields; a table holds at most ${MAX_KEY_NUMBERS}`);
  }
  const tailFields = first < 0 ? 0 : kinds.length - 1 - last;
  return { tailFields, numFirst: COL.I_SPORT, numCount };
}
