/**
 * The report's one pass over digest rows. Each row is read off the table's columns (no object
 * per row); sums stay in the table's two-word form (low 52 bits, high part) so they are exact
 * to 2^70; "distinct" counts are exact, from sets of the pairs seen, so memory grows with the
 * distinct pairs, never with records.
 */
import type { Digest } from '../digest/digest.js';
import type { RowSink } from '../digest/runs.js';
import { COL, INT_STRIDE, NUM_STRIDE, TWO52, type TableView } from '../table/table.js';
import { InvalidOptionError } from '../errors.js';
import { type Cidr, cidrContains, parseCidr, parseIp } from '../graph/cidr.js';
import { utf8 } from '../graph/entries.js';
import { isV2Key, keySlots, type KeySlots } from '../digest/keyed-format.js';
import { ByteInterner } from './interner.js';
import { NumMap } from './num-map.js';
import type {
  Count,
  Ranked,
  Report,
  ReportExposed,
  ReportNewTuple,
  ReportOptions,
  ReportProbe,
  ReportRejectedPort,
  ReportRejectedSource,
  ReportTalker,
  ReportTotals,
  ReportTraffic,
  ReportTrafficGroup,
  ReportWindow,
} from './types.js';

/** What counts as internal by default: RFC 1918, shared (CGNAT), loopback, link-local, ULA, IPv6 link-local. */
export const INTERNAL_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

/** Options after defaults and checks. */
export interface ResolvedReportOptions {
  top: number;
  internal: Cidr[];
  cidrs: Cidr[] | null;
  ports: Set<number> | null;
  actions: Set<string> | null;
  given: Report['filters'];
}

/** Check and default {@link ReportOptions}; throws {@link InvalidOptionError} naming the option. */
export function resolveReportOptions(o: ReportOptions = {}): ResolvedReportOptions {
  if (o === null || typeof o !== 'object') throw new InvalidOptionError('options', 'must be an object');
  const top = o.top ?? 10;
  if (!Number.isInteger(top) || top < 1) throw new InvalidOptionError('options.top', 'must be a positive integer');
  const strings = (name: string, v: readonly string[] | undefined): string[] | null => {
    if (v === undefined) return null;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === ''))
      throw new InvalidOptionError(`options.${name}`, 'must be an array of non-empty strings');
    return [...v];
  };
  const cidrs = (name: string, v: readonly string[] | undefined) =>
    strings(name, v)?.map((s, i) => parseCidr(`options.${name}[${i}]`, s)) ?? null;
  if (
    o.ports !== undefined &&
    (!Array.isArray(o.ports) || o.ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535))
  )
    throw new InvalidOptionError('options.ports', 'must be an array of integers from 0 to 65535');
  const actions = strings('actions', o.actions);
  for (const [i, a] of (actions ?? []).entries())
    if (a !== 'ACCEPT' && a !== 'REJECT')
      throw new InvalidOptionError(`options.actions[${i}]`, `'${a}' must be ACCEPT or REJECT`);
  const filterCidrs = cidrs('cidrs', o.cidrs);
  return {
    top,
    internal: [
      ...INTERNAL_RANGES.map((c) => parseCidr('INTERNAL_RANGES', c)),
      ...(cidrs('internal', o.internal) ?? []),
    ],
    cidrs: filterCidrs,
    ports: o.ports === undefined ? null : new Set(o.ports),
    actions: actions === null ? null : new Set(actions),
    given: {
      cidrs: filterCidrs?.map((c) => c.text) ?? [],
      ports: o.ports === undefined ? [] : [...new Set(o.ports)].sort((a, b) => a - b),
      actions: actions === null ? [] : [...new Set(actions)].sort(),
    },
  };
}

/**
 * The service ports of a row: the port the ephemeral rule kept (the non-zero one), or both
 * when both are non-zero (each counted once) or both are zero (0). Null when the row has no
 * ports (ICMP and other protocols without them). `-1` is the table's absent value.
 */
export function servicePortsOf(sport: number, dport: number): (number | null)[] {
  if (sport < 0 && dport < 0) return [null];
  if (sport > 0 && dport > 0) return sport === dport ? [sport] : [sport, dport];
  if (sport > 0) return [sport];
  if (dport > 0) return [dport];
  return [0];
}

/** An exact sum in two words, as the table keeps it. */
interface Sum {
  lo: number;
  hi: number;
}

function addSum(s: Sum, lo: number, hi: number): void {
  s.lo += lo;
  s.hi += hi;
  if (s.lo >= TWO52) {
    s.lo -= TWO52;
    s.hi += 1;
  }
}

function cmpSum(a: Sum, b: Sum): number {
  return a.hi !== b.hi ? a.hi - b.hi : a.lo - b.lo;
}

/** A {@link Count}: a number while safe, else a bigint. */
function countOf(s: Sum): Count {
  const approx = s.hi * TWO52 + s.lo;
  return Number.isSafeInteger(approx) && s.hi < 2 ? approx : BigInt(s.hi) * BigInt(TWO52) + BigInt(s.lo);
}

const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Totals {
  records: number;
  rows: number;
  packets: Sum;
  bytes: Sum;
}
const newTotals = (): Totals => ({ records: 0, rows: 0, packets: { lo: 0, hi: 0 }, bytes: { lo: 0, hi: 0 } });
const totalsOut = (t: Totals): ReportTotals => ({
  records: t.records,
  rows: t.rows,
  packets: countOf(t.packets),
  bytes: countOf(t.bytes),
});

const ranked = <T>(entries: T[], cmp: (a: T, b: T) => number, top: number): Ranked<T> => ({
  total: entries.length,
  top: entries.sort(cmp).slice(0, top),
});

/** Address ids take 26 bits, so an (id, id) pair and the numeric keys built on it stay exact doubles. */
const ID_BITS = 2 ** 26;
/** A port (-1 absent .. 65535) and protocol (-1 absent .. 255) in one number below 2^26. */
const portProto = (port: number, proto: number) => (port + 1) * 512 + (proto + 1);

/** Growable columns of numbers, one entry per id. */
class Columns<K extends string> {
  readonly c: Record<K, number[]>;
  constructor(names: readonly K[]) {
    this.c = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  }
  /** Append a zeroed entry. */
  push(): void {
    for (const k in this.c) this.c[k].push(0);
  }
}

/** Add a two-word value (lo, hi) into columns `lo`/`hi` at `i`. */
function addAt(lo: number[], hi: number[], i: number, l: number, h: number): void {
  let v = lo[i] + l;
  let carry = h;
  if (v >= TWO52) {
    v -= TWO52;
    carry++;
  }
  lo[i] = v;
  hi[i] += carry;
}

const sumAt = (lo: number[], hi: number[], i: number): Sum => ({ lo: lo[i], hi: hi[i] });

/**
 * Which rows pass the filters, and whether an address is internal or external (computed once
 * per address id).
 */
class Classifier {
  constructor(private readonly o: ResolvedReportOptions) {}

  /** 1 for an internal address, 0 for an external one, -1 for what is not an address (`-`). */
  side(addr: string): number {
    const ip = parseIp(utf8(addr));
    return ip === null ? -1 : this.o.internal.some((c) => cidrContains(c, ip)) ? 1 : 0;
  }

  /** Whether the address `addr` is in a `cidrs` filter range (true when there is no such filter). */
  inCidrs(addr: string): boolean {
    if (this.o.cidrs === null) return true;
    const ip = parseIp(utf8(addr));
    return ip !== null && this.o.cidrs.some((c) => cidrContains(c, ip));
  }

  keeps(sport: number, dport: number, srcIn: boolean, dstIn: boolean, action: string): boolean {
    const o = this.o;
    if (o.ports !== null && !o.ports.has(sport) && !o.ports.has(dport)) return false;
    if (o.actions !== null && !o.actions.has(action)) return false;
    if (o.cidrs !== null && !srcIn && !dstIn) return false;
    return true;
  }
}

/** One row as the passes see it: addresses as ids, ports, protocol, action, and where its sums are. */
interface Row {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  proto: number;
  /** 0 ACCEPT, 1 REJECT, 2 anything else (see `actionText`). */
  action: number;
  actionText: string;
  nums: Float64Array;
  n: number;
  /**
   * A keyed digest's flow-direction, pkt-src-aws-service and pkt-dst-aws-service (latin1, NUL
   * between them, '' where the key lacks one); null when its key has none of them.
   */
  traffic: string | null;
}

/** The key fields of section 7, in the order its groups name them. */
export const TRAFFIC_FIELDS = ['flow-direction', 'pkt-src-aws-service', 'pkt-dst-aws-service'] as const;

const ACCEPT = [65, 67, 67, 69, 80, 84];
const REJECT = [82, 69, 74, 69, 67, 84];

/**
 * Reads rows off table columns: the key's fields found by their NUL separators, addresses
 * interned to ids (shared by the baseline and the input, so their tuples compare as numbers).
 */
class RowReader {
  private readonly interner = new ByteInterner();
  readonly names: string[] = this.interner.names;
  /** Per id: 1 internal, 0 external, -1 not an address. */
  readonly sides: number[] = [];
  /** Per id: whether the address is in a --cidr range (every address without the filter). */
  private readonly inCidrs: boolean[] = [];
  private lastTable: TableView | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private readonly bufs = new Map<TableView, Buffer>();
  private readonly row: Row = {
    src: 0,
    dst: 0,
    sport: 0,
    dport: 0,
    proto: 0,
    action: 0,
    actionText: '',
    nums: new Float64Array(0),
    n: 0,
    traffic: null,
  };
  /** The key layout of the digest being read: null for v2's (the fast path below). */
  private slots: KeySlots | null = null;
  /** The slots of {@link TRAFFIC_FIELDS} in that key (-1: absent); null when it has none. */
  private trafficSlots: number[] | null = null;
  /** NUL offsets of the current keyed entry. */
  private cuts = new Int32Array(8);

  /** Read rows of a digest with `key` from now on. */
  setKey(key: readonly string[]): void {
    this.slots = isV2Key(key) ? null : keySlots(key);
    const at = TRAFFIC_FIELDS.map((f) => this.slots?.plan.slots.indexOf(f) ?? -1);
    this.trafficSlots = at.some((i) => i >= 0) ? at : null;
    if (this.slots !== null && this.cuts.length < this.slots.plan.slots.length + 1)
      this.cuts = new Int32Array(this.slots.plan.slots.length + 1);
  }

  constructor(
    private readonly cls: Classifier,
    private readonly onNewId: () => void,
  ) {}

  private id(buf: Buffer, from: number, to: number): number {
    const known = this.names.length;
    const id = this.interner.id(buf, from, to);
    if (id === known) {
      if (id >= ID_BITS) throw new RangeError(`report: more than ${ID_BITS} distinct addresses`);
      const name = this.names[id];
      this.sides.push(this.cls.side(name));
      this.inCidrs.push(this.cls.inCidrs(name));
      this.onNewId();
    }
    return id;
  }

  /** Row `e` of `t` with sums at `nums[n..]`, or null when the filters drop it. */
  read(t: TableView, e: number, nums: Float64Array, n: number): Row | null {
    if (t !== this.lastTable) {
      // Rows of sorted runs alternate between the runs' tables: one Buffer view per table.
      let buf = this.bufs.get(t);
      if (buf === undefined) {
        buf = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset, t.keyBytes.byteLength);
        this.bufs.set(t, buf);
      }
      this.lastTable = t;
      this.buf = buf;
    }
    const b = e * INT_STRIDE;
    const buf = this.buf;
    const from = t.ints[b + COL.I_KEYOFF],
      end = from + t.ints[b + COL.I_KEYLEN];
    if (this.slots !== null) return this.readKeyed(t, b, from, end, nums, n);
    // account \0 interface \0 srcaddr \0 dstaddr \0 action
    let p = from,
      field = 0;
    let s2 = 0,
      s3 = 0,
      s4 = 0;
    for (; p < end && field < 4; p++) {
      if (buf[p] !== 0) continue;
      field++;
      if (field === 2) s2 = p + 1;
      else if (field === 3) s3 = p + 1;
      else if (field === 4) s4 = p + 1;
    }
    const src = this.id(buf, s2, s3 - 1),
      dst = this.id(buf, s3, s4 - 1);
    let action = 2;
    if (end - s4 === 6) {
      const word = buf[s4] === 65 ? ACCEPT : buf[s4] === 82 ? REJECT : null;
      if (word !== null) {
        action = buf[s4] === 65 ? 0 : 1;
        for (let i = 1; i < 6; i++) if (buf[s4 + i] !== word[i]) action = 2;
      }
    }
    const actionText = action === 0 ? 'ACCEPT' : action === 1 ? 'REJECT' : buf.toString('latin1', s4, end);
    return this.fill(t, b, src, dst, action, actionText, nums, n, null);
  }

  /** A row of a keyed digest: its slots found by their NULs (the last slot takes any NUL left). */
  private readKeyed(t: TableView, b: number, from: number, end: number, nums: Float64Array, n: number): Row | null {
    const k = this.slots!;
    const buf = this.buf,
      cuts = this.cuts,
      count = k.plan.slots.length;
    cuts[0] = from - 1;
    let c = 1;
    for (let p = from; p < end && c < count; p++) if (buf[p] === 0) cuts[c++] = p;
    while (c <= count) cuts[c++] = end;
    cuts[count] = end;
    // Slot i spans cuts[i] + 1 .. cuts[i + 1].
    const slot = (i: number) => buf.toString('latin1', cuts[i] + 1, cuts[i + 1]);
    const src = this.id(buf, cuts[k.srcaddr] + 1, cuts[k.srcaddr + 1]),
      dst = this.id(buf, cuts[k.dstaddr] + 1, cuts[k.dstaddr + 1]);
    const actionText = k.action < 0 ? '-' : slot(k.action);
    const action = actionText === 'ACCEPT' ? 0 : actionText === 'REJECT' ? 1 : 2;
    const ts = this.trafficSlots;
    const traffic = ts === null ? null : ts.map((i) => (i < 0 ? '' : slot(i))).join('\0');
    return this.fill(t, b, src, dst, action, actionText, nums, n, traffic);
  }

  private fill(
    t: TableView,
    b: number,
    src: number,
    dst: number,
    action: number,
    actionText: string,
    nums: Float64Array,
    n: number,
    traffic: string | null,
  ): Row | null {
    const sport = t.ints[b + COL.I_SPORT],
      dport = t.ints[b + COL.I_DPORT];
    if (!this.cls.keeps(sport, dport, this.inCidrs[src], this.inCidrs[dst], actionText)) return null;
    const r = this.row;
    r.src = src;
    r.dst = dst;
    r.sport = sport;
    r.dport = dport;
    r.proto = t.ints[b + COL.I_PROTO];
    r.action = action;
    r.actionText = actionText;
    r.nums = nums;
    r.n = n;
    r.traffic = traffic;
    return r;
  }

  /** Which of {@link TRAFFIC_FIELDS} the current key holds, or null when none. */
  get trafficFields(): string[] | null {
    return this.trafficSlots === null ? null : TRAFFIC_FIELDS.filter((_, i) => this.trafficSlots![i] >= 0);
  }
}

/** Feed each row of `digest` that passes the filters to `row`; returns the rows' window. */
function eachRow(digest: Digest, reader: RowReader, row: (r: Row) => void): ReportWindow {
  reader.setKey(digest.key);
  let start = Infinity,
    end = -Infinity;
  const sink: RowSink = (t, e, nums, n) => {
    const r = reader.read(t, e, nums, n);
    if (r === null) return;
    const s = nums[n + COL.N_START],
      en = nums[n + COL.N_END];
    if (s < start) start = s;
    if (en > end) end = en;
    row(r);
  };
  // A hash table holds each row once: walked as it lies (the order does not change a sum or a
  // set). Sorted runs may split a row over runs: merged range by range.
  if (digest.isTable) digest.forEachEntry((t, e) => sink(t, e, t.nums, e * NUM_STRIDE));
  else
    for (const cursor of digest.cursors())
      while (cursor.next(sink)) {
        /* each row went to the sink */
      }
  return { start: Number.isFinite(start) ? start : null, end: Number.isFinite(end) ? end : null };
}

const ADDRESS_COLUMNS = [
  'sbl',
  'sbh',
  'spl',
  'sph',
  'srec',
  'speers',
  'sseen',
  'dbl',
  'dbh',
  'dpl',
  'dph',
  'drec',
  'dpeers',
  'dseen',
  'rrec',
  'rbl',
  'rbh',
  'rseen',
  'ptargets',
  'prec',
  'prej',
] as const;

/** The report of `digest` (and what is new in it since `baseline`), in one pass over each. */
export function buildReport(digest: Digest, options: ReportOptions = {}, baseline?: Digest): Report {
  const o = resolveReportOptions(options);
  const cls = new Classifier(o);
  const addr = new Columns(ADDRESS_COLUMNS);
  const a = addr.c;
  const reader = new RowReader(cls, () => addr.push());
  // (src, dst) pairs, interned: the key of every per-pair set below.
  const pairIds = new NumMap(1 << 16);
  const pairInInput: number[] = [];
  const pairOf = (src: number, dst: number): number => {
    const id = pairIds.getOrSet(src * ID_BITS + dst, pairInInput.length);
    if (id >= 0) return id;
    pairInInput.push(0);
    return pairInInput.length - 1;
  };

  // The baseline is read first, as a set of its tuples only.
  let baselineSeen: NumMap | null = null;
  let baselineInfo: { window: ReportWindow; rows: number } | null = null;
  if (baseline !== undefined) {
    const seen = new NumMap(1 << 16);
    let rows = 0;
    const window = eachRow(baseline, reader, (r) => {
      rows++;
      const pair = pairOf(r.src, r.dst) * ID_BITS;
      for (const p of servicePortsOf(r.sport, r.dport)) seen.getOrSet(pair + portProto(p ?? -1, r.proto), 1);
    });
    baselineSeen = seen;
    baselineInfo = { window, rows };
  }

  const total = newTotals();
  const byAction = new Map<string, Totals>();
  const rejPorts = new Map<number, { records: number; bytes: Sum }>();
  const exposedIds = new NumMap();
  const ex = new Columns(['addr', 'port', 'proto', 'sources', 'bl', 'bh', 'rec'] as const);
  const exposedSeen = new NumMap();
  const probeSeen = new NumMap(1 << 16);
  const freshIds = new NumMap();
  const fr = new Columns(['pair', 'port', 'proto', 'bl', 'bh', 'pl', 'ph', 'rec'] as const);
  let lastAction = '',
    lastTotals: Totals | undefined;
  const traffic = new Map<string, { bytes: Sum; packets: Sum; records: number; rejected: number }>();

  const window = eachRow(digest, reader, (r) => {
    const { nums, n, src, dst, sport, dport, proto } = r;
    const pl = nums[n + COL.N_PKTLO],
      ph = nums[n + COL.N_PKTHI],
      bl = nums[n + COL.N_BYTELO],
      bh = nums[n + COL.N_BYTEHI],
      records = nums[n + COL.N_RECORDS];
    if (r.actionText !== lastAction || lastTotals === undefined) {
      lastAction = r.actionText;
      lastTotals = byAction.get(lastAction);
      if (lastTotals === undefined) {
        lastTotals = newTotals();
        byAction.set(lastAction, lastTotals);
      }
    }
    for (const tot of [total, lastTotals]) {
      tot.records += records;
      tot.rows++;
      addSum(tot.packets, pl, ph);
      addSum(tot.bytes, bl, bh);
    }
    a.sseen[src] = 1;
    addAt(a.sbl, a.sbh, src, bl, bh);
    addAt(a.spl, a.sph, src, pl, ph);
    a.srec[src] += records;
    a.dseen[dst] = 1;
    addAt(a.dbl, a.dbh, dst, bl, bh);
    addAt(a.dpl, a.dph, dst, pl, ph);
    a.drec[dst] += records;
    const pair = pairOf(src, dst);
    if (pairInInput[pair] === 0) {
      pairInInput[pair] = 1;
      a.speers[src]++;
      a.dpeers[dst]++;
    }
    const ports = servicePortsOf(sport, dport);
    const reject = r.action === 1;
    if (reject) {
      a.rseen[src] = 1;
      a.rrec[src] += records;
      addAt(a.rbl, a.rbh, src, bl, bh);
      for (const p of ports) {
        const key = portProto(p ?? -1, proto);
        let x = rejPorts.get(key);
        if (x === undefined) {
          x = { records: 0, bytes: { lo: 0, hi: 0 } };
          rejPorts.set(key, x);
        }
        x.records += records;
        addSum(x.bytes, bl, bh);
      }
    }
    if (reader.sides[src] === 0) {
      if (r.action === 0 && dport > 0 && reader.sides[dst] === 1) {
        const key = dst * ID_BITS + portProto(dport, proto);
        let g = exposedIds.getOrSet(key, ex.c.addr.length);
        if (g < 0) {
          g = ex.c.addr.length;
          ex.push();
          ex.c.addr[g] = dst;
          ex.c.port[g] = dport;
          ex.c.proto[g] = proto;
        }
        addAt(ex.c.bl, ex.c.bh, g, bl, bh);
        ex.c.rec[g] += records;
        const seen = g * ID_BITS + src;
        if (exposedSeen.getOrSet(seen, 1) < 0) ex.c.sources[g]++;
      }
      a.prec[src] += records;
      if (reject) a.prej[src] += records;
      for (const p of ports) {
        const target = pair * 65537 + (p ?? -1) + 1;
        if (probeSeen.getOrSet(target, 1) < 0) a.ptargets[src]++;
      }
    }
    if (r.traffic !== null) {
      let g = traffic.get(r.traffic);
      if (g === undefined) {
        g = { bytes: { lo: 0, hi: 0 }, packets: { lo: 0, hi: 0 }, records: 0, rejected: 0 };
        traffic.set(r.traffic, g);
      }
      addSum(g.bytes, bl, bh);
      addSum(g.packets, pl, ph);
      g.records += records;
      if (reject) g.rejected += records;
    }
    if (baselineSeen !== null) {
      for (const p of ports) {
        const key = pair * ID_BITS + portProto(p ?? -1, proto);
        if (baselineSeen.get(key) >= 0) continue;
        let f = freshIds.getOrSet(key, fr.c.pair.length);
        if (f < 0) {
          f = fr.c.pair.length;
          fr.push();
          fr.c.pair[f] = pair;
          fr.c.port[f] = p ?? -1;
          fr.c.proto[f] = proto;
        }
        addAt(fr.c.bl, fr.c.bh, f, bl, bh);
        addAt(fr.c.pl, fr.c.ph, f, pl, ph);
        fr.c.rec[f] += records;
      }
    }
  });

  const trafficFields = reader.trafficFields;
  const top = o.top;
  const names = reader.names;
  const ids = (seen: number[]) => {
    const out: number[] = [];
    for (let i = 0; i < seen.length; i++) if (seen[i] === 1) out.push(i);
    return out;
  };
  const byName = (x: number, y: number) => bytewise(names[x], names[y]);
  const nullable = (v: number) => (v < 0 ? null : v);
  const talkerList = (role: 's' | 'd'): Ranked<ReportTalker> => {
    const [lo, hi, plo, phi, rec, peers, seen] = (['bl', 'bh', 'pl', 'ph', 'rec', 'peers', 'seen'] as const).map(
      (f) => a[`${role}${f}` as (typeof ADDRESS_COLUMNS)[number]],
    );
    const r = ranked(ids(seen), (x, y) => cmpSum(sumAt(lo, hi, y), sumAt(lo, hi, x)) || byName(x, y), top);
    return {
      total: r.total,
      top: r.top.map((i) => ({
        address: utf8(names[i]),
        bytes: countOf(sumAt(lo, hi, i)),
        packets: countOf(sumAt(plo, phi, i)),
        records: rec[i],
        peers: peers[i],
      })),
    };
  };
  const actions: Record<string, ReportTotals> = {};
  for (const k of [...byAction.keys()].sort(bytewise)) actions[utf8(k)] = totalsOut(byAction.get(k)!);

  const rejectedSources = ranked(
    ids(a.rseen),
    (x, y) => a.rrec[y] - a.rrec[x] || cmpSum(sumAt(a.rbl, a.rbh, y), sumAt(a.rbl, a.rbh, x)) || byName(x, y),
    top,
  );
  const rejectedPorts = ranked(
    [...rejPorts].map(([k, v]) => ({ port: Math.floor(k / 512) - 1, protocol: (k % 512) - 1, v })),
    (x, y) => y.v.records - x.v.records || cmpSum(y.v.bytes, x.v.bytes) || x.port - y.port || x.protocol - y.protocol,
    top,
  );
  const exList = ranked(
    Array.from({ length: ex.c.addr.length }, (_, g) => g),
    (x, y) =>
      ex.c.sources[y] - ex.c.sources[x] ||
      cmpSum(sumAt(ex.c.bl, ex.c.bh, y), sumAt(ex.c.bl, ex.c.bh, x)) ||
      byName(ex.c.addr[x], ex.c.addr[y]) ||
      ex.c.port[x] - ex.c.port[y] ||
      ex.c.proto[x] - ex.c.proto[y],
    top,
  );
  const externalSources = ids(a.sseen).filter((i) => reader.sides[i] === 0);
  const probeList = ranked(externalSources, (x, y) => a.ptargets[y] - a.ptargets[x] || byName(x, y), top);
  const pairNames: number[][] = [];
  if (baselineInfo !== null)
    pairIds.forEach((key, id) => {
      pairNames[id] = [Math.floor(key / ID_BITS), key % ID_BITS];
    });
  const newList =
    baselineInfo === null
      ? null
      : ranked(
          Array.from({ length: fr.c.pair.length }, (_, f) => f),
          (x, y) =>
            cmpSum(sumAt(fr.c.bl, fr.c.bh, y), sumAt(fr.c.bl, fr.c.bh, x)) ||
            byName(pairNames[fr.c.pair[x]][0], pairNames[fr.c.pair[y]][0]) ||
            byName(pairNames[fr.c.pair[x]][1], pairNames[fr.c.pair[y]][1]) ||
            fr.c.port[x] - fr.c.port[y] ||
            fr.c.proto[x] - fr.c.proto[y],
          top,
        );

  return {
    version: 2,
    window,
    filters: o.given,
    internal: o.internal.map((c) => c.text),
    top,
    bytesSeen: digest.stats.bytesSeen,
    totals: { ...totalsOut(total), actions },
    talkers: talkerList('s'),
    listeners: talkerList('d'),
    rejected: {
      sources: {
        total: rejectedSources.total,
        top: rejectedSources.top.map(
          (i): ReportRejectedSource => ({
            address: utf8(names[i]),
            records: a.rrec[i],
            bytes: countOf(sumAt(a.rbl, a.rbh, i)),
          }),
        ),
      },
      ports: {
        total: rejectedPorts.total,
        top: rejectedPorts.top.map(
          (x): ReportRejectedPort => ({
            port: nullable(x.port),
            protocol: nullable(x.protocol),
            records: x.v.records,
            bytes: countOf(x.v.bytes),
          }),
        ),
      },
    },
    exposed: {
      total: exList.total,
      top: exList.top.map(
        (g): ReportExposed => ({
          address: utf8(names[ex.c.addr[g]]),
          port: ex.c.port[g],
          protocol: nullable(ex.c.proto[g]),
          sources: ex.c.sources[g],
          bytes: countOf(sumAt(ex.c.bl, ex.c.bh, g)),
          records: ex.c.rec[g],
        }),
      ),
    },
    probes: {
      total: probeList.total,
      top: probeList.top.map(
        (i): ReportProbe => ({
          address: utf8(names[i]),
          targets: a.ptargets[i],
          hosts: a.speers[i],
          records: a.prec[i],
          rejected: a.prej[i],
          rejectShare: a.prec[i] === 0 ? 0 : Math.round((a.prej[i] / a.prec[i]) * 10000) / 10000,
        }),
      ),
    },
    new:
      newList === null || baselineInfo === null
        ? null
        : {
            total: newList.total,
            top: newList.top.map(
              (f): ReportNewTuple => ({
                srcaddr: utf8(names[pairNames[fr.c.pair[f]][0]]),
                dstaddr: utf8(names[pairNames[fr.c.pair[f]][1]]),
                port: nullable(fr.c.port[f]),
                protocol: nullable(fr.c.proto[f]),
                bytes: countOf(sumAt(fr.c.bl, fr.c.bh, f)),
                packets: countOf(sumAt(fr.c.pl, fr.c.ph, f)),
                records: fr.c.rec[f],
              }),
            ),
            baseline: baselineInfo,
          },
    traffic: trafficFields === null ? null : trafficSection(traffic, trafficFields, top),
  };
}

/** Section 7: traffic by the key's flow-direction and AWS service fields, by bytes. */
function trafficSection(
  groups: Map<string, { bytes: Sum; packets: Sum; records: number; rejected: number }>,
  fields: string[],
  top: number,
): ReportTraffic {
  const has = (f: string) => fields.includes(f);
  const list = ranked(
    [...groups],
    ([xk, x], [yk, y]) => cmpSum(y.bytes, x.bytes) || y.records - x.records || bytewise(xk, yk),
    top,
  );
  return {
    fields,
    total: list.total,
    top: list.top.map(([k, g]): ReportTrafficGroup => {
      const [direction, srcService, dstService] = k.split('\0');
      return {
        direction: has('flow-direction') ? utf8(direction) : null,
        srcService: has('pkt-src-aws-service') ? utf8(srcService) : null,
        dstService: has('pkt-dst-aws-service') ? utf8(dstService) : null,
        bytes: countOf(g.bytes),
        packets: countOf(g.packets),
        records: g.records,
        rejected: g.rejected,
      };
    }),
  };
}
