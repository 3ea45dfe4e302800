// Generated digests for the report tests (scanners, NAT'd and IPv6 traffic, sums past 2^53)
// and a naive report computed from DigestRow objects with bigint arithmetic, node:net's
// BlockList for internal ranges and plain arrays: nothing shared with src/report/.
import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';

export interface GenRow {
  account: string;
  eni: string;
  src: string;
  dst: string;
  sport: number | null;
  dport: number | null;
  proto: number | null;
  action: 'ACCEPT' | 'REJECT';
  packets: bigint;
  bytes: bigint;
  start: number;
  end: number;
  records: number;
  /** Key fields beyond v2's (flow-direction, pkt-src-aws-service, ...), for keyed digests. */
  extra?: Record<string, string>;
}

const INTERNAL = [
  '10.0.3.7',
  '10.1.0.9',
  '172.16.5.4',
  '172.31.255.1',
  '192.168.1.10',
  '100.64.0.5',
  '100.127.1.1',
  '127.0.0.1',
  '169.254.169.254',
  'fd00::1',
  'fe80::1',
  '::1',
];
const EXTERNAL = [
  '8.8.8.8',
  '52.95.1.2',
  '100.128.0.1',
  '172.32.0.1',
  '11.0.0.1',
  '2600:1f18::1',
  '2001:db8::5',
  '203.0.113.9',
  'fe00::1',
];
const SCANNER = '198.51.100.66';

const addr = fc.constantFrom(...INTERNAL, ...EXTERNAL, SCANNER);
const port = fc.oneof(
  fc.constantFrom(0, 22, 53, 80, 443, 3389, 8080),
  fc.integer({ min: 1024, max: 65535 }),
  fc.constant(null),
);
const sum = fc.oneof(fc.bigInt({ min: 0n, max: 2000n }), fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }));

export const rowArb: fc.Arbitrary<GenRow> = fc.record({
  account: fc.constantFrom('111111111111', '222222222222'),
  eni: fc.constantFrom('eni-a', 'eni-b'),
  src: addr,
  dst: addr,
  sport: port,
  dport: port,
  proto: fc.constantFrom(6, 17, 1, null),
  action: fc.constantFrom('ACCEPT', 'REJECT'),
  packets: sum,
  bytes: sum,
  start: fc.integer({ min: 1000, max: 2000 }),
  end: fc.integer({ min: 2000, max: 3000 }),
  records: fc.integer({ min: 1, max: 50 }),
});

/** A scanner: one external source, many internal hosts and ports, mostly REJECT, one packet each. */
export const scanArb: fc.Arbitrary<GenRow[]> = fc
  .array(fc.tuple(fc.constantFrom(...INTERNAL), fc.integer({ min: 1, max: 1024 }), fc.boolean()), {
    minLength: 1,
    maxLength: 30,
  })
  .map((hits) =>
    hits.map(([dst, p, rejected]) => ({
      account: '111111111111',
      eni: 'eni-a',
      src: SCANNER,
      dst,
      sport: 0,
      dport: p,
      proto: 6,
      action: rejected ? 'REJECT' : 'ACCEPT',
      packets: 1n,
      bytes: 44n,
      start: 1500,
      end: 1501,
      records: 1,
    })),
  );

export const rowsArb = fc.tuple(fc.array(rowArb, { maxLength: 60 }), scanArb).map(([a, b]) => [...a, ...b]);

/** NDJSON digest lines of `rows` (bigints as JSON integers); `extra` fields follow action, as a keyed digest writes them. */
export function ndjson(rows: GenRow[]): string {
  return rows
    .map(
      (r) =>
        `{"account-id":"${r.account}","interface-id":"${r.eni}","srcaddr":"${r.src}","dstaddr":"${r.dst}","srcport":${r.sport},"dstport":${r.dport},"protocol":${r.proto},"action":"${r.action}",${Object.entries(
          r.extra ?? {},
        )
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
          .join(
            '',
          )}"packets":${r.packets},"bytes":${r.bytes},"start":${r.start},"end":${r.end},"records":${r.records}}\n`,
    )
    .join('');
}

/** The traffic section's fields, in the order the report names them. */
export const TRAFFIC = ['flow-direction', 'pkt-src-aws-service', 'pkt-dst-aws-service'];

/** Rows keyed with some of {@link TRAFFIC} (in `order`), values drawn from what AWS writes. */
export const keyedRowsArb = fc.tuple(rowsArb, fc.shuffledSubarray(TRAFFIC, { minLength: 1 })).chain(([rows, order]) =>
  fc
    .array(
      fc.record({
        'flow-direction': fc.constantFrom('ingress', 'egress', '-'),
        'pkt-src-aws-service': fc.constantFrom('S3', 'AMAZON', 'EC2', '-', 'ROUTE53_RESOLVER'),
        'pkt-dst-aws-service': fc.constantFrom('DYNAMODB', 'S3', '-'),
      }),
      { minLength: rows.length, maxLength: rows.length },
    )
    .map((extras) => ({
      order,
      rows: rows.map((r, i) => ({
        ...r,
        extra: Object.fromEntries(order.map((f) => [f, extras[i][f as keyof (typeof extras)[number]]])),
      })),
    })),
);

export interface RefRow {
  srcAddr: string;
  dstAddr: string;
  srcPort: number | null;
  dstPort: number | null;
  protocol: number | null;
  action: string;
  packets: bigint;
  bytes: bigint;
  start: number | null;
  end: number | null;
  records: number;
  /** A keyed digest's fields beyond v2's (DigestRow.fields). */
  fields?: Readonly<Record<string, string>>;
}

export interface RefOptions {
  top: number;
  internal: string[];
  cidrs?: string[];
  ports?: number[];
  actions?: string[];
}

const DEFAULT_INTERNAL = [
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

function blockList(cidrs: string[]): BlockList {
  const b = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/');
    b.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  }
  return b;
}
const within = (b: BlockList, a: string) => isIP(a) !== 0 && b.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');

const cmpBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const n = (p: number | null) => p ?? -1;
const out = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

function svcPorts(r: RefRow): (number | null)[] {
  const s = r.srcPort,
    d = r.dstPort;
  if (s === null && d === null) return [null];
  const nonZero = [...new Set([s, d].filter((p): p is number => p !== null && p !== 0))];
  return nonZero.length > 0 ? nonZero : [0];
}

function distinct<T>(items: T[], key: (t: T) => string): number {
  return new Set(items.map(key)).size;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
  return m;
}

const sumOf = (rs: RefRow[], f: (r: RefRow) => bigint) => rs.reduce((a, r) => a + f(r), 0n);
const recs = (rs: RefRow[]) => rs.reduce((a, r) => a + r.records, 0);

/** The naive report of `all` (digest rows), as the JSON-ready object `buildReport` should equal. */
export function naiveReport(
  all: RefRow[],
  o: RefOptions,
  bytesSeen: boolean,
  baseline?: RefRow[],
  trafficFields?: string[],
): unknown {
  const filter = (rows: RefRow[]) => {
    const cidrs = o.cidrs === undefined ? null : blockList(o.cidrs);
    return rows.filter(
      (r) =>
        (o.ports === undefined || o.ports.includes(n(r.srcPort)) || o.ports.includes(n(r.dstPort))) &&
        (o.actions === undefined || o.actions.includes(r.action)) &&
        (cidrs === null || within(cidrs, r.srcAddr) || within(cidrs, r.dstAddr)),
    );
  };
  const rows = filter(all);
  const internalList = [...DEFAULT_INTERNAL, ...o.internal];
  const internal = blockList(internalList);
  const isExternal = (a: string) => isIP(a) !== 0 && !within(internal, a);
  const totals = (rs: RefRow[]) => ({
    records: recs(rs),
    rows: rs.length,
    packets: out(sumOf(rs, (r) => r.packets)),
    bytes: out(sumOf(rs, (r) => r.bytes)),
  });
  const actions: Record<string, unknown> = {};
  for (const a of [...new Set(rows.map((r) => r.action))].sort(cmpBytes))
    actions[a] = totals(rows.filter((r) => r.action === a));
  const ranked = <T>(list: T[], cmp: (a: T, b: T) => number) => ({
    total: list.length,
    top: [...list].sort(cmp).slice(0, o.top),
  });
  const talkers = (side: 'srcAddr' | 'dstAddr', other: 'srcAddr' | 'dstAddr') => {
    const list = [...groupBy(rows, (r) => r[side])].map(([address, rs]) => ({
      address,
      bytes: sumOf(rs, (r) => r.bytes),
      packets: sumOf(rs, (r) => r.packets),
      records: recs(rs),
      peers: distinct(rs, (r) => r[other]),
    }));
    const r = ranked(list, (a, b) => cmpBig(b.bytes, a.bytes) || cmpBytes(a.address, b.address));
    return { total: r.total, top: r.top.map((t) => ({ ...t, bytes: out(t.bytes), packets: out(t.packets) })) };
  };
  const rejectedRows = rows.filter((r) => r.action === 'REJECT');
  const rejSources = ranked(
    [...groupBy(rejectedRows, (r) => r.srcAddr)].map(([address, rs]) => ({
      address,
      records: recs(rs),
      bytes: sumOf(rs, (r) => r.bytes),
    })),
    (a, b) => b.records - a.records || cmpBig(b.bytes, a.bytes) || cmpBytes(a.address, b.address),
  );
  const portRows = rejectedRows.flatMap((r) => svcPorts(r).map((port) => ({ port, r })));
  const rejPorts = ranked(
    [...groupBy(portRows, (x) => `${x.port}/${x.r.protocol}`)].map(([, xs]) => ({
      port: xs[0].port,
      protocol: xs[0].r.protocol,
      records: xs.reduce((a, x) => a + x.r.records, 0),
      bytes: xs.reduce((a, x) => a + x.r.bytes, 0n),
    })),
    (a, b) =>
      b.records - a.records || cmpBig(b.bytes, a.bytes) || n(a.port) - n(b.port) || n(a.protocol) - n(b.protocol),
  );
  const exposedRows = rows.filter(
    (r) =>
      r.action === 'ACCEPT' &&
      r.dstPort !== null &&
      r.dstPort > 0 &&
      isExternal(r.srcAddr) &&
      isIP(r.dstAddr) !== 0 &&
      within(internal, r.dstAddr),
  );
  const exposed = ranked(
    [...groupBy(exposedRows, (r) => `${r.dstAddr} ${r.dstPort} ${r.protocol}`)].map(([, rs]) => ({
      address: rs[0].dstAddr,
      port: rs[0].dstPort!,
      protocol: rs[0].protocol,
      sources: distinct(rs, (r) => r.srcAddr),
      bytes: sumOf(rs, (r) => r.bytes),
      records: recs(rs),
    })),
    (a, b) =>
      b.sources - a.sources ||
      cmpBig(b.bytes, a.bytes) ||
      cmpBytes(a.address, b.address) ||
      a.port - b.port ||
      n(a.protocol) - n(b.protocol),
  );
  const probes = ranked(
    [
      ...groupBy(
        rows.filter((r) => isExternal(r.srcAddr)),
        (r) => r.srcAddr,
      ),
    ].map(([address, rs]) => {
      const rejected = recs(rs.filter((r) => r.action === 'REJECT'));
      const records = recs(rs);
      return {
        address,
        targets: distinct(
          rs.flatMap((r) => svcPorts(r).map((p) => [r.dstAddr, p])),
          (x) => JSON.stringify(x),
        ),
        hosts: distinct(rs, (r) => r.dstAddr),
        records,
        rejected,
        rejectShare: records === 0 ? 0 : Math.round((rejected / records) * 10000) / 10000,
      };
    }),
    (a, b) => b.targets - a.targets || cmpBytes(a.address, b.address),
  );
  let fresh: unknown = null;
  if (baseline !== undefined) {
    const base = filter(baseline);
    const tuples = (rs: RefRow[]) => rs.flatMap((r) => svcPorts(r).map((port) => ({ port, r })));
    const key = (x: { port: number | null; r: RefRow }) =>
      JSON.stringify([x.r.srcAddr, x.r.dstAddr, x.port, x.r.protocol]);
    const old = new Set(tuples(base).map(key));
    const list = [
      ...groupBy(
        tuples(rows).filter((x) => !old.has(key(x))),
        key,
      ),
    ].map(([, xs]) => ({
      srcaddr: xs[0].r.srcAddr,
      dstaddr: xs[0].r.dstAddr,
      port: xs[0].port,
      protocol: xs[0].r.protocol,
      bytes: xs.reduce((a, x) => a + x.r.bytes, 0n),
      packets: xs.reduce((a, x) => a + x.r.packets, 0n),
      records: xs.reduce((a, x) => a + x.r.records, 0),
    }));
    const r = ranked(
      list,
      (a, b) =>
        cmpBig(b.bytes, a.bytes) ||
        cmpBytes(a.srcaddr, b.srcaddr) ||
        cmpBytes(a.dstaddr, b.dstaddr) ||
        n(a.port) - n(b.port) ||
        n(a.protocol) - n(b.protocol),
    );
    fresh = {
      total: r.total,
      top: r.top.map((t) => ({ ...t, bytes: out(t.bytes), packets: out(t.packets) })),
      baseline: { window: windowOf(base), rows: base.length },
    };
  }
  const bigOut = <T extends { bytes: bigint }>(r: { total: number; top: T[] }) => ({
    total: r.total,
    top: r.top.map((t) => ({ ...t, bytes: out(t.bytes) })),
  });
  let traffic: unknown = null;
  if (trafficFields !== undefined && trafficFields.length > 0) {
    const fields = TRAFFIC.filter((f) => trafficFields.includes(f));
    const value = (r: RefRow, f: string) => (fields.includes(f) ? (r.fields?.[f] ?? '?') : null);
    const groups = [...groupBy(rows, (r) => JSON.stringify(TRAFFIC.map((f) => value(r, f))))].map(([, rs]) => ({
      direction: value(rs[0], 'flow-direction'),
      srcService: value(rs[0], 'pkt-src-aws-service'),
      dstService: value(rs[0], 'pkt-dst-aws-service'),
      bytes: sumOf(rs, (r) => r.bytes),
      packets: sumOf(rs, (r) => r.packets),
      records: recs(rs),
      rejected: recs(rs.filter((r) => r.action === 'REJECT')),
    }));
    const tuple = (g: (typeof groups)[number]) =>
      [g.direction, g.srcService, g.dstService].map((v) => v ?? '').join('\0');
    const r = ranked(
      groups,
      (a, b) => cmpBig(b.bytes, a.bytes) || b.records - a.records || cmpBytes(tuple(a), tuple(b)),
    );
    traffic = {
      fields,
      total: r.total,
      top: r.top.map((g) => ({ ...g, bytes: out(g.bytes), packets: out(g.packets) })),
    };
  }
  return {
    version: 2,
    window: windowOf(rows),
    filters: {
      cidrs: o.cidrs ?? [],
      ports: [...new Set(o.ports ?? [])].sort((a, b) => a - b),
      actions: [...new Set(o.actions ?? [])].sort(),
    },
    internal: internalList,
    top: o.top,
    bytesSeen,
    totals: { ...totals(rows), actions },
    talkers: talkers('srcAddr', 'dstAddr'),
    listeners: talkers('dstAddr', 'srcAddr'),
    rejected: { sources: bigOut(rejSources), ports: bigOut(rejPorts) },
    exposed: bigOut(exposed),
    probes,
    new: fresh,
    traffic,
  };
}

function windowOf(rs: RefRow[]): { start: number | null; end: number | null } {
  const starts = rs.map((r) => r.start).filter((v): v is number => v !== null);
  const ends = rs.map((r) => r.end).filter((v): v is number => v !== null);
  return {
    start: starts.length === 0 ? null : Math.min(...starts),
    end: ends.length === 0 ? null : Math.max(...ends),
  };
}
