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
const nullLow = (p: number | null) => (p === null ? -1 : p);

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

interface Talker {
  bytes: Sum;
  packets: Sum;
  records: number;
  peers: number;
}
interface Rejected {
  records: number;
  bytes: Sum;
}
interface Exposed {
  sources: number;
  bytes: Sum;
  records: number;
}
interface Probe {
  targets: number;
  records: number;
  rejected: number;
}
interface Tuple {
  bytes: Sum;
  packets: Sum;
  records: number;
}

function bump<T>(map: Map<string, T>, key: string, fresh: () => T): T {
  let v = map.get(key);
  if (v === undefined) {
    v = fresh();
    map.set(key, v);
  }
  return v;
}

const ranked = <T>(entries: T[], cmp: (a: T, b: T) => number, top: number): Ranked<T> => ({
  total: entries.length,
  top: entries.sort(cmp).slice(0, top),
});

/**
 * Which rows pass the filters, and whether an address is internal or external (cached per
 * address: a digest repeats few addresses many times).
 */
class Classifier {
  private readonly internal = new Map<string, boolean | null>();
  private readonly inFilter = new Map<string, boolean>();
  constructor(private readonly o: ResolvedReportOptions) {}

  /** True for an internal address, false for an external one, null for what is not an address (`-`). */
  isInternal(addr: string): boolean | null {
    let v = this.internal.get(addr);
    if (v === undefined) {
      const ip = parseIp(utf8(addr));
      v = ip === null ? null : this.o.internal.some((c) => cidrContains(c, ip));
      this.internal.set(addr, v);
    }
    return v;
  }

  keeps(t: TableView, b: number, src: string, dst: string, action: string): boolean {
    const o = this.o;
    if (o.ports !== null && !o.ports.has(t.ints[b + COL.I_SPORT]) && !o.ports.has(t.ints[b + COL.I_DPORT]))
      return false;
    if (o.actions !== null && !o.actions.has(action)) return false;
    if (o.cidrs !== null && !this.inCidrs(src) && !this.inCidrs(dst)) return false;
    return true;
  }

  private inCidrs(addr: string): boolean {
    let v = this.inFilter.get(addr);
    if (v === undefined) {
      const ip = parseIp(utf8(addr));
      v = ip !== null && this.o.cidrs!.some((c) => cidrContains(c, ip));
      this.inFilter.set(addr, v);
    }
    return v;
  }
}

/** The parts of entry `e`'s key: srcaddr, dstaddr and action as latin1 strings. */
function keyOf(t: TableView, b: number): [string, string, string] {
  const off = t.ints[b + COL.I_KEYOFF];
  const key = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + off, t.ints[b + COL.I_KEYLEN]).toString('latin1');
  const p = key.split('\0');
  return [p[2], p[3], p[4]];
}

/** Feed each row of `digest` that passes the filters to `row`; returns the rows' window. */
function eachRow(
  digest: Digest,
  cls: Classifier,
  row: (t: TableView, b: number, nums: Float64Array, n: number, src: string, dst: string, action: string) => void,
): ReportWindow {
  let start = Infinity,
    end = -Infinity;
  const sink: RowSink = (t, e, nums, n) => {
    const b = e * INT_STRIDE;
    const [src, dst, action] = keyOf(t, b);
    if (!cls.keeps(t, b, src, dst, action)) return;
    const s = nums[n + COL.N_START],
      en = nums[n + COL.N_END];
    if (s < start) start = s;
    if (en > end) end = en;
    row(t, b, nums, n, src, dst, action);
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

const tupleKey = (src: string, dst: string, port: number | null, proto: number) => `${src}\0${dst}\0${port}\0${proto}`;

/** The report of `digest` (and what is new in it since `baseline`), in one pass over each. */
export function buildReport(digest: Digest, options: ReportOptions = {}, baseline?: Digest): Report {
  const o = resolveReportOptions(options);
  const cls = new Classifier(o);

  // The baseline is read first, as a set of its tuples only.
  let baselineSeen: Set<string> | null = null;
  let baselineInfo: { window: ReportWindow; rows: number } | null = null;
  if (baseline !== undefined) {
    const seen = new Set<string>();
    let rows = 0;
    const window = eachRow(baseline, cls, (t, b, _nums, _n, src, dst) => {
      rows++;
      const proto = t.ints[b + COL.I_PROTO];
      for (const p of servicePortsOf(t.ints[b + COL.I_SPORT], t.ints[b + COL.I_DPORT]))
        seen.add(tupleKey(src, dst, p, proto));
    });
    baselineSeen = seen;
    baselineInfo = { window, rows };
  }

  const total = newTotals();
  const byAction = new Map<string, Totals>();
  const sources = new Map<string, Talker>(),
    dests = new Map<string, Talker>();
  const pairs = new Set<string>();
  const rejSources = new Map<string, Rejected>(),
    rejPorts = new Map<string, Rejected>();
  const exposed = new Map<string, Exposed>(),
    exposedSeen = new Set<string>();
  const probes = new Map<string, Probe>(),
    probeSeen = new Set<string>();
  const fresh = new Map<string, Tuple>();
  const newTalker = (): Talker => ({ bytes: { lo: 0, hi: 0 }, packets: { lo: 0, hi: 0 }, records: 0, peers: 0 });
  const newRejected = (): Rejected => ({ records: 0, bytes: { lo: 0, hi: 0 } });

  const window = eachRow(digest, cls, (t, b, nums, n, src, dst, action) => {
    const pl = nums[n + COL.N_PKTLO],
      ph = nums[n + COL.N_PKTHI],
      bl = nums[n + COL.N_BYTELO],
      bh = nums[n + COL.N_BYTEHI],
      records = nums[n + COL.N_RECORDS];
    const sport = t.ints[b + COL.I_SPORT],
      dport = t.ints[b + COL.I_DPORT],
      proto = t.ints[b + COL.I_PROTO];
    for (const tot of [total, bump(byAction, action, newTotals)]) {
      tot.records += records;
      tot.rows++;
      addSum(tot.packets, pl, ph);
      addSum(tot.bytes, bl, bh);
    }
    const s = bump(sources, src, newTalker),
      d = bump(dests, dst, newTalker);
    for (const x of [s, d]) {
      addSum(x.bytes, bl, bh);
      addSum(x.packets, pl, ph);
      x.records += records;
    }
    const pair = `${src}\0${dst}`;
    if (!pairs.has(pair)) {
      pairs.add(pair);
      s.peers++;
      d.peers++;
    }
    const ports = servicePortsOf(sport, dport);
    const reject = action === 'REJECT';
    if (reject) {
      const r = bump(rejSources, src, newRejected);
      r.records += records;
      addSum(r.bytes, bl, bh);
      for (const p of ports) {
        const rp = bump(rejPorts, `${p}\0${proto}`, newRejected);
        rp.records += records;
        addSum(rp.bytes, bl, bh);
      }
    }
    const srcInternal = cls.isInternal(src);
    if (srcInternal === false) {
      if (action === 'ACCEPT' && dport > 0 && cls.isInternal(dst) === true) {
        const group = `${dst}\0${dport}\0${proto}`;
        const x = bump(exposed, group, () => ({ sources: 0, bytes: { lo: 0, hi: 0 }, records: 0 }));
        addSum(x.bytes, bl, bh);
        x.records += records;
        const seen = `${group}\0${src}`;
        if (!exposedSeen.has(seen)) {
          exposedSeen.add(seen);
          x.sources++;
        }
      }
      const pr = bump(probes, src, () => ({ targets: 0, records: 0, rejected: 0 }));
      pr.records += records;
      if (reject) pr.rejected += records;
      for (const p of ports) {
        const target = `${src}\0${dst}\0${p}`;
        if (!probeSeen.has(target)) {
          probeSeen.add(target);
          pr.targets++;
        }
      }
    }
    if (baselineSeen !== null) {
      for (const p of ports) {
        const key = tupleKey(src, dst, p, proto);
        if (baselineSeen.has(key)) continue;
        const x = bump(fresh, key, () => ({ bytes: { lo: 0, hi: 0 }, packets: { lo: 0, hi: 0 }, records: 0 }));
        addSum(x.bytes, bl, bh);
        addSum(x.packets, pl, ph);
        x.records += records;
      }
    }
  });

  const top = o.top;
  const talkerList = (m: Map<string, Talker>): Ranked<ReportTalker> => {
    const entries = [...m].sort(([ka, a], [kb, b]) => cmpSum(b.bytes, a.bytes) || bytewise(ka, kb)).slice(0, top);
    return {
      total: m.size,
      top: entries.map(([k, v]) => ({
        address: utf8(k),
        bytes: countOf(v.bytes),
        packets: countOf(v.packets),
        records: v.records,
        peers: v.peers,
      })),
    };
  };
  const actions: Record<string, ReportTotals> = {};
  for (const a of [...byAction.keys()].sort(bytewise)) actions[utf8(a)] = totalsOut(byAction.get(a)!);
  const portOf = (v: string) => (v === 'null' ? null : Number(v));
  const protoOf = (v: string | number) => (Number(v) < 0 ? null : Number(v));

  const rejectedSources = ranked(
    [...rejSources].map(([k, v]): [string, Rejected] => [k, v]),
    ([ka, a], [kb, b]) => b.records - a.records || cmpSum(b.bytes, a.bytes) || bytewise(ka, kb),
    top,
  );
  const rejectedPorts = ranked(
    [...rejPorts].map(([k, v]) => {
      const [p, pr] = k.split('\0');
      return { port: portOf(p), protocol: protoOf(pr), v };
    }),
    (a, b) =>
      b.v.records - a.v.records ||
      cmpSum(b.v.bytes, a.v.bytes) ||
      nullLow(a.port) - nullLow(b.port) ||
      nullLow(a.protocol) - nullLow(b.protocol),
    top,
  );
  const exposedList = ranked(
    [...exposed].map(([k, v]) => {
      const [addr, p, pr] = k.split('\0');
      return { addr, port: Number(p), protocol: protoOf(pr), v };
    }),
    (a, b) =>
      b.v.sources - a.v.sources ||
      cmpSum(b.v.bytes, a.v.bytes) ||
      bytewise(a.addr, b.addr) ||
      a.port - b.port ||
      nullLow(a.protocol) - nullLow(b.protocol),
    top,
  );
  const probeList = ranked([...probes], ([ka, a], [kb, b]) => b.targets - a.targets || bytewise(ka, kb), top);
  const newList =
    baselineInfo === null
      ? null
      : ranked(
          [...fresh].map(([k, v]) => {
            const [src, dst, p, pr] = k.split('\0');
            return { src, dst, port: portOf(p), protocol: protoOf(pr), v };
          }),
          (a, b) =>
            cmpSum(b.v.bytes, a.v.bytes) ||
            bytewise(a.src, b.src) ||
            bytewise(a.dst, b.dst) ||
            nullLow(a.port) - nullLow(b.port) ||
            nullLow(a.protocol) - nullLow(b.protocol),
          top,
        );

  return {
    version: 1,
    window,
    filters: o.given,
    internal: o.internal.map((c) => c.text),
    top,
    bytesSeen: digest.stats.bytesSeen,
    totals: { ...totalsOut(total), actions },
    talkers: talkerList(sources),
    listeners: talkerList(dests),
    rejected: {
      sources: {
        total: rejectedSources.total,
        top: rejectedSources.top.map(
          ([k, v]): ReportRejectedSource => ({ address: utf8(k), records: v.records, bytes: countOf(v.bytes) }),
        ),
      },
      ports: {
        total: rejectedPorts.total,
        top: rejectedPorts.top.map(
          (x): ReportRejectedPort => ({
            port: x.port,
            protocol: x.protocol,
            records: x.v.records,
            bytes: countOf(x.v.bytes),
          }),
        ),
      },
    },
    exposed: {
      total: exposedList.total,
      top: exposedList.top.map(
        (x): ReportExposed => ({
          address: utf8(x.addr),
          port: x.port,
          protocol: x.protocol,
          sources: x.v.sources,
          bytes: countOf(x.v.bytes),
          records: x.v.records,
        }),
      ),
    },
    probes: {
      total: probeList.total,
      top: probeList.top.map(
        ([k, v]): ReportProbe => ({
          address: utf8(k),
          targets: v.targets,
          hosts: sources.get(k)!.peers,
          records: v.records,
          rejected: v.rejected,
          rejectShare: v.records === 0 ? 0 : Math.round((v.rejected / v.records) * 10000) / 10000,
        }),
      ),
    },
    new:
      newList === null || baselineInfo === null
        ? null
        : {
            total: newList.total,
            top: newList.top.map(
              (x): ReportNewTuple => ({
                srcaddr: utf8(x.src),
                dstaddr: utf8(x.dst),
                port: x.port,
                protocol: x.protocol,
                bytes: countOf(x.v.bytes),
                packets: countOf(x.v.packets),
                records: x.v.records,
              }),
            ),
            baseline: baselineInfo,
          },
  };
}
