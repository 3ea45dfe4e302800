// Naive reference digester: deliberately simple (split(' '), string-keyed Map,
// BigInt sums) so it is obviously correct. The fast engine is compared
// byte-for-byte against its text and NDJSON output; see the brief's semantics.

export interface RefStats {
  lines: number;
  records: number;
  digested: number;
  nodata: number;
  skipdata: number;
  malformed: number;
  blank: number;
  filtered: number;
  headers: number;
}

export interface RefRow {
  account: string;
  iface: string;
  src: string;
  dst: string;
  srcport: number | null;
  dstport: number | null;
  protocol: number | null;
  action: string;
  packets: bigint;
  bytes: bigint;
  start: number | null;
  end: number | null;
  records: number;
}

export const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const V2_FIELDS = V2_HEADER.split(' ');
const HEADER_TOKEN = /^[a-z][a-z0-9-]*$/;
const DIGITS = /^[0-9]+$/;

/**
 * Splits text into lines. A final `\n` terminates the last line rather than
 * starting an empty one, so "a\nb\n" has two lines and no blank.
 */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

const isHeader = (line: string): boolean => line.split(' ').every((t) => HEADER_TOKEN.test(t));

// Every field name AWS defines (versions 2-8, Transit Gateway): a header may name only these,
// each once, srcaddr and dstaddr included.
const KNOWN = new Set([
  ...V2_HEADER.split(' '),
  'resource-type',
  'tgw-id',
  'tgw-attachment-id',
  'tgw-src-vpc-account-id',
  'tgw-dst-vpc-account-id',
  'tgw-src-vpc-id',
  'tgw-dst-vpc-id',
  'tgw-src-subnet-id',
  'tgw-dst-subnet-id',
  'tgw-src-eni',
  'tgw-dst-eni',
  'tgw-src-az-id',
  'tgw-dst-az-id',
  'tgw-pair-attachment-id',
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
]);
const validHeader = (fields: string[]): boolean =>
  fields.every((f) => KNOWN.has(f)) &&
  new Set(fields).size === fields.length &&
  fields.includes('srcaddr') &&
  fields.includes('dstaddr');
/** Longest line (bytes before its newline); longer ones are malformed records. */
const MAX_LINE_BYTES = 1 << 20;

/** Numeric field up to `max` (and at most 15 digits): undefined = malformed, null = absent or `-`. */
function num(tokens: string[], i: number, max = Number.MAX_SAFE_INTEGER): number | null | undefined {
  if (i < 0 || tokens[i] === '-') return null;
  if (!DIGITS.test(tokens[i]) || tokens[i].length > 15) return undefined;
  const v = Number(tokens[i]);
  return v <= max ? v : undefined;
}

function big(tokens: string[], i: number): bigint | null | undefined {
  if (i < 0 || tokens[i] === '-') return null;
  return DIGITS.test(tokens[i]) ? BigInt(tokens[i]) : undefined;
}

function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// Nulls sort as -1, before port 0. Explicit compares avoid NaN on huge values.
function compareNums(a: number | null, b: number | null): number {
  const x = a ?? -1,
    y = b ?? -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

const FIELD_NAMES = [
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;
type FieldIndex = Record<(typeof FIELD_NAMES)[number], number>; // -1 = absent from the format

function indexFields(fields: string[]): FieldIndex {
  return Object.fromEntries(FIELD_NAMES.map((f) => [f, fields.indexOf(f)])) as FieldIndex;
}

export function compareRows(a: RefRow, b: RefRow): number {
  return (
    compareBytes(a.account, b.account) ||
    compareBytes(a.iface, b.iface) ||
    compareBytes(a.src, b.src) ||
    compareBytes(a.dst, b.dst) ||
    compareNums(a.srcport, b.srcport) ||
    compareNums(a.dstport, b.dstport) ||
    compareNums(a.protocol, b.protocol) ||
    compareBytes(a.action, b.action)
  );
}

export function referenceDigest(
  inputs: { name: string; text: string }[],
  opts: { start?: number; end?: number; fields?: readonly string[]; key?: { replace?: string[]; add?: string[] } } = {},
): { rows: RefRow[]; stats: RefStats; text: string; ndjsonRows: string[] } {
  const stats: RefStats = {
    lines: 0,
    records: 0,
    digested: 0,
    nodata: 0,
    skipdata: 0,
    malformed: 0,
    blank: 0,
    filtered: 0,
    headers: 0,
  };
  const windowed = opts.start !== undefined || opts.end !== undefined;
  const winStart = opts.start ?? -Infinity;
  const winEnd = opts.end ?? Infinity;
  const rows = new Map<string, RefRow>();
  const keyedRows = new Map<string, KeyedRow>();
  let runKey: string[] | undefined;
  let anyPackets = false;
  let anyBytes = false;
  // The packets-lost-* fields of every format records were read in (under a key other than v2's).
  const lostSeen = new Set<string>();
  const markLost = (fields: readonly string[]) => {
    if (resolveRefKey(opts.key, fields).join(' ') === V2_KEY.join(' ')) return;
    for (const f of LOST) if (fields.includes(f)) lostSeen.add(f);
  };

  for (const input of inputs) {
    // Each input starts in v2 order until (and unless) its first line is a header.
    let fields = opts.fields ? [...opts.fields] : V2_FIELDS;
    let ix = indexFields(fields);
    let first = true;
    for (const line of splitLines(input.text)) {
      if (line === '') {
        stats.blank++;
        continue;
      }
      stats.lines++;
      if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
        if (first) markLost(fields);
        first = false;
        stats.records++;
        stats.malformed++;
        continue;
      }
      if (first) {
        first = false;
        if (isHeader(line)) {
          if (!validHeader(line.split(' '))) throw new Error(`${input.name}: not a valid header: ${line}`);
          fields = line.split(' ');
          ix = indexFields(fields);
          markLost(fields);
          stats.headers++;
          continue;
        }
        markLost(fields);
      } else if (isHeader(line) && validHeader(line.split(' '))) {
        // A later valid header (concatenated objects) switches the format from the next line.
        fields = line.split(' ');
        ix = indexFields(fields);
        markLost(fields);
        stats.headers++;
        continue;
      }
      stats.records++;
      const t = line.split(' ');
      if (t.length !== fields.length) {
        stats.malformed++;
        continue;
      }
      const str = (i: number): string => (i < 0 ? '-' : t[i]);

      if (ix['log-status'] >= 0) {
        const status = t[ix['log-status']];
        if (status === 'NODATA' || status === 'SKIPDATA') {
          // A window selects these by `end` too.
          if (windowed) {
            const end = num(t, ix.end);
            if (end === undefined) {
              stats.malformed++;
              continue;
            }
            if (end === null || end < winStart || end >= winEnd) {
              stats.filtered++;
              continue;
            }
          }
          if (status === 'NODATA') stats.nodata++;
          else stats.skipdata++;
          continue;
        }
        if (status !== 'OK') {
          stats.malformed++;
          continue;
        }
      }

      let srcport = num(t, ix.srcport, 65535);
      let dstport = num(t, ix.dstport, 65535);
      const protocol = num(t, ix.protocol, 255);
      const packets = big(t, ix.packets);
      const bytes = big(t, ix.bytes);
      let start = num(t, ix.start);
      let end = num(t, ix.end);
      if (
        srcport === undefined ||
        dstport === undefined ||
        protocol === undefined ||
        packets === undefined ||
        bytes === undefined ||
        start === undefined ||
        end === undefined
      ) {
        stats.malformed++;
        continue;
      }
      // Any key but v2's: packets-lost-* summed like packets (`-` adds nothing; not an integer: malformed).
      const keyFields = resolveRefKey(opts.key, fields);
      const keyed = keyFields.join(' ') !== V2_KEY.join(' ');
      const lost = keyed ? LOST.map((f) => big(t, fields.indexOf(f))) : [];
      if (lost.includes(undefined)) {
        stats.malformed++;
        continue;
      }
      if (start !== null && end !== null && start > end) {
        stats.malformed++;
        continue;
      }

      if (windowed && (end === null || end < winStart || end >= winEnd)) {
        stats.filtered++;
        continue;
      }

      // A record with one time only counts as an instant at that time.
      if (start === null) start = end;
      else if (end === null) end = start;

      // Any key but v2's: its fields, in its order (`-` where the format lacks one).
      if (keyed) {
        for (const f of [...(opts.key?.replace ?? []), ...(opts.key?.add ?? [])])
          if (!fields.includes(f)) throw new Error(`${input.name}: the key names '${f}', which the format lacks`);
        let sp = keyFields.includes('srcport') ? srcport : null;
        let dp = keyFields.includes('dstport') ? dstport : null;
        const pr = keyFields.includes('protocol') ? protocol : null;
        if (sp !== null && dp !== null && sp !== 0 && dp !== 0) {
          if (sp >= dp) sp = 0;
          else dp = 0;
        }
        const values = keyFields.map((f) =>
          f === 'srcport' ? sp : f === 'dstport' ? dp : f === 'protocol' ? pr : str(fields.indexOf(f)),
        );
        const id = JSON.stringify(values);
        let kr = keyedRows.get(id);
        if (!kr) {
          kr = { values, packets: 0n, bytes: 0n, start: null, end: null, records: 0, lost: LOST.map(() => 0n) };
          keyedRows.set(id, kr);
        }
        lost.forEach((v, i) => {
          if (typeof v === 'bigint') kr!.lost[i] += v;
        });
        if (packets !== null) {
          kr.packets += packets;
          anyPackets = true;
        }
        if (bytes !== null) {
          kr.bytes += bytes;
          anyBytes = true;
        }
        if (start !== null) kr.start = kr.start === null ? start : Math.min(kr.start, start);
        if (end !== null) kr.end = kr.end === null ? end : Math.max(kr.end, end);
        kr.records++;
        stats.digested++;
        runKey = keyFields;
        continue;
      }

      // Ephemeral port: the larger one is the client's; on a tie drop the source.
      if (srcport !== null && dstport !== null && srcport !== 0 && dstport !== 0) {
        if (srcport >= dstport) srcport = 0;
        else dstport = 0;
      }

      const account = str(ix['account-id']),
        iface = str(ix['interface-id']);
      const src = str(ix.srcaddr),
        dst = str(ix.dstaddr),
        action = str(ix.action);
      const key = [account, iface, src, dst, srcport ?? '-', dstport ?? '-', protocol ?? '-', action].join(' ');
      let row = rows.get(key);
      if (!row) {
        row = {
          account,
          iface,
          src,
          dst,
          srcport,
          dstport,
          protocol,
          action,
          packets: 0n,
          bytes: 0n,
          start: null,
          end: null,
          records: 0,
        };
        rows.set(key, row);
      }
      if (packets !== null) {
        row.packets += packets;
        anyPackets = true;
      }
      if (bytes !== null) {
        row.bytes += bytes;
        anyBytes = true;
      }
      if (start !== null) row.start = row.start === null ? start : Math.min(row.start, start);
      if (end !== null) row.end = row.end === null ? end : Math.max(row.end, end);
      row.records++;
      stats.digested++;
    }
    // The engine keys an object by the format it ends in, records or not.
    const k = resolveRefKey(opts.key, fields);
    if (k.join(' ') !== V2_KEY.join(' ')) runKey ??= k;
  }

  if (runKey === undefined && opts.key !== undefined) {
    const k = resolveRefKey(opts.key, V2_FIELDS);
    if (k.join(' ') !== V2_KEY.join(' ')) runKey = k;
  }
  if (runKey !== undefined)
    return keyedOutput(
      runKey,
      [...keyedRows.values()],
      stats,
      anyPackets,
      anyBytes,
      LOST.filter((f) => lostSeen.has(f)),
    );
  const sorted = [...rows.values()].sort(compareRows);
  const dash = (v: number | null): string => (v === null ? '-' : String(v));
  const text = [
    V2_HEADER,
    ...sorted.map(
      (r) =>
        `2 ${r.account} ${r.iface} ${r.src} ${r.dst} ${dash(r.srcport)} ${dash(r.dstport)} ${dash(r.protocol)} ` +
        `${anyPackets ? r.packets : '-'} ${anyBytes ? r.bytes : '-'} ${dash(r.start)} ${dash(r.end)} ${r.action} OK`,
    ),
  ]
    .map((l) => `${l}\n`)
    .join('');
  const json = (v: number | null): string => (v === null ? 'null' : String(v));
  const ndjsonRows = sorted.map(
    (r) =>
      `{"account-id":${JSON.stringify(r.account)},"interface-id":${JSON.stringify(r.iface)},` +
      `"srcaddr":${JSON.stringify(r.src)},"dstaddr":${JSON.stringify(r.dst)},` +
      `"srcport":${json(r.srcport)},"dstport":${json(r.dstport)},"protocol":${json(r.protocol)},` +
      `"packets":${anyPackets ? r.packets : 'null'},"bytes":${anyBytes ? r.bytes : 'null'},` +
      `"start":${json(r.start)},"end":${json(r.end)},"action":${JSON.stringify(r.action)},"records":${r.records}}`,
  );
  return { rows: sorted, stats, text, ndjsonRows };
}

// --- Keys other than v2's (`key`, Transit Gateway's default) ---------------------------------

const V2_KEY = ['account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action'];
const TGW_KEY = ['account-id', 'tgw-id', 'tgw-attachment-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol'];
const NUMERIC = new Set(['srcport', 'dstport', 'protocol']);
/** Transit Gateway's packets-lost-* fields, in the order a digest writes them (after log-status). */
const LOST = [
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
];

interface KeyedRow {
  values: (string | number | null)[];
  packets: bigint;
  bytes: bigint;
  start: number | null;
  end: number | null;
  records: number;
  /** Sums of the LOST fields, in order. */
  lost: bigint[];
}

function resolveRefKey(spec: { replace?: string[]; add?: string[] } | undefined, fields: readonly string[]): string[] {
  const base = fields.includes('tgw-id') && !fields.includes('interface-id') ? TGW_KEY : V2_KEY;
  if (spec?.replace) return spec.replace;
  if (spec?.add) return [...base, ...spec.add.filter((f) => !base.includes(f))];
  return base;
}

/**
 * Rows sorted as the engine orders any key: its string fields (padded to five with `-`) but the
 * last compared in turn, then srcport, dstport, protocol (absent first), then the last string.
 */
function keyedOutput(
  key: string[],
  list: KeyedRow[],
  stats: RefStats,
  anyPackets: boolean,
  anyBytes: boolean,
  lostFields: string[],
): { rows: RefRow[]; stats: RefStats; text: string; ndjsonRows: string[] } {
  const lostOf = (r: KeyedRow) => lostFields.map((f) => r.lost[LOST.indexOf(f)]);
  const strIdx = key.map((f, i) => (NUMERIC.has(f) ? -1 : i)).filter((i) => i >= 0);
  const slots = (r: KeyedRow) => {
    const s = strIdx.map((i) => r.values[i] as string);
    while (s.length < 5) s.push('-');
    return s;
  };
  const num = (r: KeyedRow, f: string) => {
    const i = key.indexOf(f);
    return i < 0 ? null : (r.values[i] as number | null);
  };
  list.sort((a, b) => {
    const sa = slots(a),
      sb = slots(b);
    for (let i = 0; i < sa.length - 1; i++) {
      const c = compareBytes(sa[i], sb[i]);
      if (c !== 0) return c;
    }
    for (const f of ['srcport', 'dstport', 'protocol']) {
      const c = compareNums(num(a, f), num(b, f));
      if (c !== 0) return c;
    }
    return compareBytes(sa[sa.length - 1], sb[sb.length - 1]);
  });
  const dash = (v: string | number | null | bigint) => (v === null ? '-' : String(v));
  const text = [
    `${[...key, 'packets', 'bytes', 'start', 'end', 'log-status', ...lostFields].join(' ')}`,
    ...list.map(
      (r) =>
        `${[...r.values, anyPackets ? r.packets : null, anyBytes ? r.bytes : null, r.start, r.end].map(dash).join(' ')} OK` +
        lostOf(r)
          .map((v) => ` ${v}`)
          .join(''),
    ),
  ]
    .map((l) => `${l}\n`)
    .join('');
  const ndjsonRows = list.map(
    (r) =>
      `{${key.map((f, i) => `${JSON.stringify(f)}:${NUMERIC.has(f) ? (r.values[i] ?? 'null') : JSON.stringify(r.values[i])}`).join(',')},` +
      `"packets":${anyPackets ? r.packets : 'null'},"bytes":${anyBytes ? r.bytes : 'null'},` +
      `"start":${r.start ?? 'null'},"end":${r.end ?? 'null'},` +
      lostOf(r)
        .map((v, i) => `${JSON.stringify(lostFields[i])}:${v},`)
        .join('') +
      `"records":${r.records}}`,
  );
  return { rows: [], stats, text, ndjsonRows };
}
