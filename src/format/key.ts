/**
 * The conversation key: which fields make two records one digest row. The default is v2's
 * (account-id interface-id srcaddr dstaddr srcport dstport protocol action), or Transit
 * Gateway's for a format that has `tgw-id` and no `interface-id`. `key` replaces it; `+LIST`
 * adds fields to the default (`+pkt-srcaddr,flow-direction`).
 *
 * In a digest table a key is its string fields joined by NUL (in "slot" order) plus three
 * integers (srcport, dstport, protocol; -1 when absent or not in the key). The default key has
 * five string slots, the layout the WebAssembly kernel and the canonical order were built for;
 * any other key is scanned in JavaScript (the kernel declines it) with as many slots as it has
 * string fields, at least five (the rest `-`), so the table, the runs and the order need no
 * change: slots 4..n-1 compare as one run of bytes, which orders them field by field.
 */
import { InvalidOptionError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import { DEFAULT_KEY } from '../table/key-schema.js';
import { KNOWN_FIELDS } from './fields.js';

/** The v2 key, in the order of a v2 text digest's columns: the names of the kernel's {@link DEFAULT_KEY}. */
export const V2_KEY: readonly string[] = Object.freeze(DEFAULT_KEY.fields.map((f) => f.name));

/** Transit Gateway flow logs' default key (they have no action and no interface-id). */
export const TGW_KEY: readonly string[] = [
  'account-id',
  'tgw-id',
  'tgw-attachment-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
];

/** The key fields that are integers in the table (the rest are strings). */
export const NUMERIC_KEY_FIELDS: readonly string[] = ['srcport', 'dstport', 'protocol'];

/** A run's key as asked for: fields replacing the default, or added to it. */
export type KeySpec = { replace: string[] } | { add: string[] };

/** How a key is laid out in a digest table. */
export interface KeyPlan {
  /** The key's fields, in output order. */
  readonly fields: readonly string[];
  /** The string fields in slot order, padded with '' (always `-`) to at least five slots. */
  readonly slots: readonly string[];
  /** Which of srcport, dstport, protocol the key holds. */
  readonly srcport: boolean;
  readonly dstport: boolean;
  readonly protocol: boolean;
  /** True for the v2 key: the kernel's and the default text format's. */
  readonly isDefault: boolean;
}

/**
 * Parse `--key LIST` / `key`: names split by spaces or commas; a leading `+` adds them to the
 * default key. Throws an InvalidOptionError naming `option` on an unknown field (with a
 * did-you-mean), a repeat, or an empty list.
 */
export function parseKeySpec(text: string | readonly string[], option = 'options.key'): KeySpec {
  let raw: string[];
  let add = false;
  if (typeof text === 'string') {
    const t = text.trim();
    add = t.startsWith('+');
    raw = (add ? t.slice(1) : t).split(/[\s,]+/).filter((s) => s.length > 0);
  } else {
    if (!Array.isArray(text)) throw new InvalidOptionError(option, 'must be a string or an array of field names');
    raw = [...text];
  }
  if (raw.length === 0) throw new InvalidOptionError(option, 'names no field');
  const seen = new Set<string>();
  for (const f of raw) {
    if (typeof f !== 'string' || !KNOWN_FIELDS.has(f))
      throw new InvalidOptionError(
        option,
        `names the unknown field '${String(f).slice(0, 40)}'${suggest(String(f), [...KNOWN_FIELDS])}`,
      );
    if (seen.has(f)) throw new InvalidOptionError(option, `names the field '${f}' twice`);
    if (COUNTER_FIELDS.has(f))
      throw new InvalidOptionError(option, `names '${f}', which is summed (or kept as min/max), not a key field`);
    seen.add(f);
  }
  if (!add) {
    const missing = ['srcaddr', 'dstaddr'].filter((f) => !seen.has(f));
    if (missing.length > 0)
      throw new InvalidOptionError(
        option,
        `lacks ${missing.map((f) => `'${f}'`).join(' and ')}: a conversation has two ends (add fields with +LIST)`,
      );
  }
  return add ? { add: raw } : { replace: raw };
}

/** Fields a digest row sums or spans: never part of a key. */
const COUNTER_FIELDS = new Set([
  'packets',
  'bytes',
  'start',
  'end',
  'log-status',
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
]);

/** The plan of the v2 key. */
export const DEFAULT_PLAN: KeyPlan = planKey(V2_KEY);

/** The default key of a format with these fields: Transit Gateway's, or v2's. */
export function defaultKey(fields: readonly string[]): readonly string[] {
  return fields.includes('tgw-id') && !fields.includes('interface-id') ? TGW_KEY : V2_KEY;
}

/** The key fields `spec` gives for a format with `fields` (undefined spec: the default). */
export function resolveKey(spec: KeySpec | undefined, fields: readonly string[]): readonly string[] {
  if (spec === undefined) return defaultKey(fields);
  if ('replace' in spec) return spec.replace;
  const base = defaultKey(fields);
  return [...base, ...spec.add.filter((f) => !base.includes(f))];
}

/** The table layout of a key. */
export function planKey(fields: readonly string[]): KeyPlan {
  const slots = fields.filter((f) => !NUMERIC_KEY_FIELDS.includes(f));
  const isDefault = fields.length === V2_KEY.length && fields.every((f, i) => f === V2_KEY[i]);
  while (slots.length < 5) slots.push('');
  return {
    fields: [...fields],
    slots,
    srcport: fields.includes('srcport'),
    dstport: fields.includes('dstport'),
    protocol: fields.includes('protocol'),
    isDefault,
  };
}

/**
 * Where each of a key's fields lies in a table entry, in output order: its string slot (0, 1,
 * ...), or -1 srcport, -2 dstport, -3 protocol (the entry's Int32 columns). Both writers of a
 * keyed digest read rows by it: digest/keyed-format.ts and the kernel's render_keyed_text.
 */
export function fieldSlots(plan: KeyPlan): number[] {
  return plan.fields.map((f) =>
    f === 'srcport' ? -1 : f === 'dstport' ? -2 : f === 'protocol' ? -3 : plan.slots.indexOf(f),
  );
}
