/**
 * Graph views: a digest narrowed by filters, folded by collapsing, and cut to its top edges.
 * Each step makes a new digest table, so a view of millions of rows holds no object per row.
 */
import { Digest } from '../digest/digest.js';
import { COL, DigestTable, INT_STRIDE, NUM_STRIDE, type TableView } from '../table/table.js';
import { InvalidOptionError } from '../errors.js';
import { checkValue } from '../util/option-schema.js';
import { GRAPH_VIEW_OPTIONS } from './options.js';
import { type Cidr, cidrContains, type IpAddress, parseCidr, parseIp, PRIVATE_RANGES } from './cidr.js';
import { collapseTable } from './collapse.js';
import { approxBytes, copyEntry, copyRaw, keyParts, latin1 } from './entries.js';
import { isV2Key, keySlots, type KeySlots, splitSlots } from '../digest/keyed-format.js';
import type { ResolvedView } from './resolved-view.js';
import type { GraphView, GraphViewOptions } from './types.js';

// Still exported from here for callers that import it with the view functions.
export type { ResolvedView };

/** Validate view options; throws {@link InvalidOptionError} naming the option. */
export function resolveView(o: GraphViewOptions): ResolvedView {
  if (o === null || typeof o !== 'object') throw new InvalidOptionError('options', 'must be an object');
  const cidrList = (name: string, v: readonly string[] | undefined): Cidr[] =>
    strings(name, v)?.map((s) => parseCidr(`options.${name}`, s)) ?? [];
  const set = (name: string, v: readonly string[] | undefined) => {
    const list = strings(name, v);
    return list === null ? null : new Set(list.map(latin1));
  };
  let ports: Set<number> | null = null;
  if (o.ports !== undefined) {
    if (!Array.isArray(o.ports) || o.ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
      throw new InvalidOptionError('options.ports', 'must be an array of integers from 0 to 65535');
    }
    ports = new Set(o.ports);
  }
  checkValue(GRAPH_VIEW_OPTIONS.top, 'options.top', o.top);
  checkValue(GRAPH_VIEW_OPTIONS.topRejected, 'options.topRejected', o.topRejected);
  if (o.collapseExternal !== undefined && typeof o.collapseExternal !== 'boolean') {
    throw new InvalidOptionError('options.collapseExternal', 'must be a boolean');
  }
  return {
    cidrs: o.cidrs === undefined ? null : cidrList('cidrs', o.cidrs),
    accounts: set('accounts', o.accounts),
    enis: set('enis', o.enis),
    ports,
    actions: set('actions', o.actions),
    collapseExternal: o.collapseExternal ?? false,
    internal: [...PRIVATE_RANGES, ...cidrList('internal', o.internal)],
    collapse: cidrList('collapse', o.collapse).sort((a, b) => b.bits - a.bits),
    top: o.top ?? null,
    topRejected: o.topRejected ?? o.top ?? 0,
  };
}

function strings(name: string, v: readonly string[] | undefined): string[] | null {
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    throw new InvalidOptionError(`options.${name}`, 'must be an array of non-empty strings');
  }
  return [...v];
}

/** Apply filters, then collapsing, then `top` (see {@link GraphViewOptions}). */
export function applyView(whole: Digest, options: GraphViewOptions = {}): GraphView {
  const o = resolveView(options);
  // A graph draws addresses, ports, protocol and action: a keyed digest is folded onto v2's key first.
  const digest = isV2Key(whole.key) ? whole : projectToV2(whole);
  let table = digest.table;
  if (o.cidrs !== null || o.accounts !== null || o.enis !== null || o.ports !== null || o.actions !== null)
    table = filterTable(table, o);
  const folded = new Map<string, Cidr | null>();
  if (o.collapse.length > 0 || o.collapseExternal) table = collapseTable(table, o, folded);
  let kept: GraphView['kept'];
  if (o.top !== null) {
    const byBytes = o.top < table.size ? topEntries(table, o.top) : null;
    const rejected = byBytes === null ? [] : topRejectedEntries(table, o.topRejected, new Set(byBytes));
    kept = { byBytes: byBytes?.length ?? table.size, rejected: rejected.length };
    if (byBytes !== null) {
      const out = new DigestTable(byBytes.length + rejected.length);
      for (const e of [...byBytes, ...rejected]) copyRaw(table, e, out);
      table = out;
    }
  }
  return {
    digest: table === digest.table ? digest : new Digest(table, digest.stats),
    folded,
    internal: o.internal,
    ...(kept === undefined ? {} : { kept }),
  };
}

/**
 * The `n` REJECT entries with the most records that are not in `taken`; ties by exact bytes,
 * then the canonical key order.
 */
function topRejectedEntries(t: TableView, n: number, taken: ReadonlySet<number>): number[] {
  if (n === 0) return [];
  const list: number[] = [];
  for (let e = 0; e < t.size; e++) if (!taken.has(e) && keyParts(t, e)[4] === 'REJECT') list.push(e);
  const records = (e: number) => t.nums[e * NUM_STRIDE + COL.N_RECORDS];
  return list.sort((x, y) => records(y) - records(x) || byBytesThenKey(t, x, y)).slice(0, n);
}

/** Exact bytes descending, then the canonical key order: the tie-break of every cut. */
function byBytesThenKey(t: TableView, x: number, y: number): number {
  const exact = (e: number) => [t.nums[e * NUM_STRIDE + COL.N_BYTEHI], t.nums[e * NUM_STRIDE + COL.N_BYTELO]];
  const [xh, xl] = exact(x),
    [yh, yl] = exact(y);
  if (xh !== yh) return yh - xh;
  if (xl !== yl) return yl - xl;
  // Canonical order: account, interface, addresses; ports and protocol; action.
  const px = keyParts(t, x),
    py = keyParts(t, y);
  const hx = px.slice(0, 4).join('\0'),
    hy = py.slice(0, 4).join('\0');
  if (hx !== hy) return hx < hy ? -1 : 1;
  for (let c = COL.I_SPORT; c <= COL.I_PROTO; c++) {
    const d = t.ints[x * INT_STRIDE + c] - t.ints[y * INT_STRIDE + c];
    if (d !== 0) return d;
  }
  return px[4] < py[4] ? -1 : px[4] > py[4] ? 1 : 0;
}

/**
 * A digest whose key is not v2's, folded onto v2's key: each row's account-id, interface-id,
 * srcaddr, dstaddr and action (`-` where the key lacks one), ports and protocol; rows that then
 * share a key are summed.
 */
export function projectToV2(digest: Digest): Digest {
  if (isV2Key(digest.key)) return digest;
  const k = keySlots(digest.key);
  const t = digest.table;
  const out = new DigestTable(t.size);
  for (let e = 0; e < t.size; e++) {
    const p = splitSlots(keyParts(t, e).join('\0'), k.plan.slots.length);
    const at = (slot: number) => (slot < 0 ? '-' : (p[slot] ?? '-'));
    copyEntry(t, e, out, [at(k.account), at(k.interfaceId), at(k.srcaddr), at(k.dstaddr), at(k.action)]);
  }
  return new Digest(out, digest.stats);
}

/**
 * `digest` narrowed by `cidrs`, `ports` and `actions` (as {@link applyView} narrows it), keeping
 * its key: what `digest --cidr/--port/--action` writes.
 */
export function filterDigest(digest: Digest, options: Pick<GraphViewOptions, 'cidrs' | 'ports' | 'actions'>): Digest {
  const o = resolveView(options);
  const slots = isV2Key(digest.key) ? null : keySlots(digest.key);
  return new Digest(filterTable(digest.table, o, slots), digest.stats).withKey(digest.key).withLost(digest.lost);
}

function filterTable(t: DigestTable, o: ResolvedView, k: KeySlots | null = null): DigestTable {
  const out = new DigestTable();
  const ips = new Map<string, IpAddress | null>();
  const inRange = (addr: string, cidrs: Cidr[]): boolean => {
    let ip = ips.get(addr);
    if (ip === undefined) {
      ip = parseIp(addr);
      ips.set(addr, ip);
    }
    return ip !== null && cidrs.some((c) => cidrContains(c, ip!));
  };
  for (let e = 0; e < t.size; e++) {
    const b = e * INT_STRIDE;
    if (o.ports !== null && !o.ports.has(t.ints[b + COL.I_SPORT]) && !o.ports.has(t.ints[b + COL.I_DPORT])) continue;
    const p = keyParts(t, e);
    const [account, eni, src, dst, action] =
      k === null
        ? p
        : ((q) => [k.account, k.interfaceId, k.srcaddr, k.dstaddr, k.action].map((i) => (i < 0 ? '-' : q[i])))(
            splitSlots(p.join('\0'), k.plan.slots.length),
          );
    if (o.accounts !== null && !o.accounts.has(account)) continue;
    if (o.enis !== null && !o.enis.has(eni)) continue;
    if (o.actions !== null && !o.actions.has(action)) continue;
    if (o.cidrs !== null && !inRange(src, o.cidrs) && !inRange(dst, o.cidrs)) continue;
    copyRaw(t, e, out);
  }
  return out;
}

/**
 * The `n` entries with the most bytes. Ties at the cut are settled by exact bytes, then by the
 * canonical key order, so the choice is deterministic.
 */
export function topTable(t: TableView, n: number): DigestTable {
  const out = new DigestTable(n);
  for (const e of topEntries(t, n)) copyRaw(t, e, out);
  return out;
}

/** The entries {@link topTable} keeps. */
function topEntries(t: TableView, n: number): number[] {
  if (n >= t.size) return Array.from({ length: t.size }, (_, e) => e);
  const bytes = new Float64Array(t.size);
  for (let e = 0; e < t.size; e++) bytes[e] = approxBytes(t, e);
  const cut = Float64Array.from(bytes).sort()[t.size - n];
  const chosen: number[] = [],
    tied: number[] = [];
  for (let e = 0; e < t.size; e++) {
    if (bytes[e] > cut) chosen.push(e);
    else if (bytes[e] === cut) tied.push(e);
  }
  if (tied.length > n - chosen.length) tied.sort((x, y) => byBytesThenKey(t, x, y));
  return [...chosen, ...tied.slice(0, n - chosen.length)];
}
