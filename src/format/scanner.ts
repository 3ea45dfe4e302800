/**
 * The hot path: a byte scanner that turns flow-log text into digest entries without making a
 * string per line. It indexes separators four bytes at a time (separators.ts), takes each
 * needed field's range straight from that index, parses integers from bytes, and hashes and
 * compares the key's fields in place.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { type DigestTable, hashField, HASH_SEED, mixNumbers, type TableView, TWO52, viewOf } from '../table/table.js';
import { MalformedRecordError, FormatError } from '../errors.js';
import {
  FIELD_BY_ROLE,
  KNOWN_FIELDS,
  PACKETS_LOST_FIELDS,
  type PacketsLostField,
  presetWithCount,
  ROLE_COUNT,
  Role,
} from './fields.js';
import { DEFAULT_LAYOUT, headerProblem, headerTokens, type Layout, layoutFromFields, parseHeader } from './layout.js';
import { SeparatorIndex } from './separators.js';
import { suggest } from '../util/suggest.js';
import { DEFAULT_PLAN, defaultKey, type KeyPlan, type KeySpec, planKey, resolveKey, V2_KEY } from './key.js';
import type { WasmKernel } from './wasm-kernel.js';
import { addKernelCounters, type ScanCounters, type MalformedSample, newCounters } from '../table/counters.js';
import { KERNEL_COUNTER as K, KERNEL_INPUT_BYTES, MAX_FAST_DIGITS, MAX_PORT, MAX_PROTOCOL } from '../table/contract.js';

/** What a scan keeps and drops. Resolved once by the engine; the scanner trusts it. */
export interface ScanFilter {
  /** Keep records whose `end` is in [windowStart, windowEnd) (Unix seconds). */
  windowStart?: number;
  windowEnd?: number;
  /** Keep records whose account-id is in this set (only when the object's path gave none). */
  accounts?: ReadonlySet<string>;
  /** Keep records whose region is in this set (only when the object's path gave none). */
  regions?: ReadonlySet<string>;
}

export interface ScannerOptions {
  /** Object key or path, for error messages. */
  key: string;
  /** Throw on the first malformed record instead of counting it. */
  strict: boolean;
  /** How many malformed samples to keep. */
  maxSamples: number;
  filter: ScanFilter;
  /** Continue a stream split into blocks: the layout (from a header) and line number reached so far. */
  layout?: Layout;
  firstLine?: number;
  /**
   * The format of lines before any header (`--fields`). Without it they are read in the v2 order,
   * and a line of another field count says how to name its format.
   */
  headerless?: Layout;
  /**
   * The conversation key asked for (`--key`); absent: the format's default (v2's, or Transit
   * Gateway's). The kernel scans any key by its columns (not a format with lost packets).
   */
  keySpec?: KeySpec;
  /**
   * Read a text digest: a header ending in `packets bytes start end log-status` whose other fields
   * are not v2's names the digest's key (a digest made with `--key`), which then applies.
   */
  keyFromHeader?: boolean;
  /** A separator index to reuse (a worker keeps one across objects rather than reallocating it). */
  index?: SeparatorIndex;
  /**
   * The WebAssembly kernel to run the common lines on (a worker keeps one). Without it every line
   * is parsed in JavaScript; the results are the same.
   */
  kernel?: WasmKernel | null;
}

/** Bytes indexed at a time (the index holds one Int32 per byte at worst): one kernel call's input. */
const WINDOW = KERNEL_INPUT_BYTES;

/**
 * The one line limit of every input path (files, stdin, gzip, the kernel, `merge`, `dot`, `diff`):
 * a line of more than this many bytes before its newline is skipped in linear time, without being
 * held, and counted as malformed at its file:line. The stream source cuts such a line down to
 * MAX_LINE_BYTES + 1 bytes before it reaches a scanner, so the scanner still sees it as too long.
 */
export const MAX_LINE_BYTES = 1 << 20;

const DASH = 45,
  NL = 10,
  CR = 13,
  ZERO = 48;
const DASH_FIELD = new Uint8Array([DASH]);
const DASH_VIEW = new DataView(DASH_FIELD.buffer);
const NOT_INT = -2,
  TOO_LONG = -3,
  ABSENT = -1;

export class Scanner {
  readonly counters: ScanCounters;
  /** Line number of the last line seen (1-based). */
  lineNo: number;
  /**
   * Set while lines that are not lines of the object are fed (the messages of a CloudWatch Logs
   * document): a malformed one is reported at `line` (the document's), as the `lineNo - base`-th
   * log event.
   */
  eventsOf: { line: number; base: number; events: readonly number[] } | null = null;
  private layout: Layout;
  private expectHeader: boolean;
  private readonly pos = new Int32Array(ROLE_COUNT * 2);
  private scratch = new Uint8Array(4096);
  /** The string fields' (start, end) pairs: a view of pos for roles 1..5. */
  private readonly seg = this.pos.subarray(2, 12);
  private readonly index: SeparatorIndex;
  /** DataView over the buffer being parsed (word loads for key hashing and comparison). */
  private view: DataView = DASH_VIEW;
  /** Space positions of the range being parsed (the index's array). */
  private idx: Int32Array;
  /** Roles the layout has, and their columns: the only fields a line's parse looks at. */
  private usedRoles = new Int8Array(0);
  private usedCols = new Int16Array(0);
  /** The kernel, once this object's layout is settled and it has been started for it. */
  private kernel: WasmKernel | null;
  private kernelStarted = false;
  /**
   * The kernel cannot go on with this object: it ran out of memory, or a later header changed the
   * layout it was started with. JavaScript scans the rest; the kernel's rows so far join at end().
   */
  private kernelFull = false;
  private carry: Uint8Array | null = null;
  private carryLen = 0;
  private carryOverflow = false;
  /** Bytes of the carried line seen so far (kept or not) and whether the last was a CR. */
  private carrySeen = 0;
  private carryCr = false;
  /**
   * Whether the lines being parsed may hold bytes above 0x7f: set per window by a native ASCII
   * test, so only windows with such bytes pay for the per-line UTF-8 check.
   */
  private checkUtf8 = false;
  /** Whether the layout in force came from a header line (else from `headerless` or v2). */
  private fromHeader: boolean;
  /** The key of the layout in force; for any but v2's, its string fields' columns and ranges. */
  private plan: KeyPlan = DEFAULT_PLAN;
  private keyCols = new Int16Array(0);
  private keySeg = new Int32Array(0);
  /**
   * The column of each packets-lost-* field (-1 where the format lacks it), or empty: a format
   * without them, or under the v2 key (whose writers and kernel have no room for them).
   */
  private lostCols = new Int16Array(0);
  /** The record's packets-lost-* values as parsed (-1 absent, -3 over 15 digits), and their ranges. */
  private readonly lostVal = new Float64Array(PACKETS_LOST_FIELDS.length);
  private readonly lostPos = new Int32Array(PACKETS_LOST_FIELDS.length * 2);
  /** Which packets-lost-* fields (bit i: PACKETS_LOST_FIELDS[i]) the layouts in force so far held. */
  private lostSeen = 0;
  private readonly windowStart: number;
  private readonly windowEnd: number;
  private readonly hasWindow: boolean;

  constructor(
    private readonly table: DigestTable,
    private readonly opts: ScannerOptions,
  ) {
    this.index = opts.index ?? new SeparatorIndex(WINDOW);
    this.kernel = opts.kernel ?? null;
    this.idx = this.index.spaces;
    this.counters = newCounters();
    this.lineNo = opts.firstLine ?? 0;
    // Only an object's (or a stream's) first line may be a header that fails the object.
    this.expectHeader = opts.layout === undefined && !(opts.firstLine !== undefined && opts.firstLine > 0);
    this.layout = DEFAULT_LAYOUT;
    this.fromHeader = opts.layout !== undefined;
    this.hasWindow = opts.filter.windowStart !== undefined || opts.filter.windowEnd !== undefined;
    this.windowStart = opts.filter.windowStart ?? -Infinity;
    this.windowEnd = opts.filter.windowEnd ?? Infinity;
    // A given layout is final; otherwise the object's first line may still replace the default,
    // so the filters are checked against the layout only once that is settled (after hasWindow).
    this.applyLayout(opts.layout ?? opts.headerless ?? DEFAULT_LAYOUT, !this.expectHeader);
  }

  /** The key fields of the layout in force (v2's unless `key` or a Transit Gateway format says otherwise). */
  get keyFields(): readonly string[] {
    return this.plan.fields;
  }

  /**
   * The packets-lost-* fields this scan sums: those of every layout its records were read in
   * (under a key other than v2's), in {@link PACKETS_LOST_FIELDS} order.
   */
  get lostFields(): PacketsLostField[] {
    return PACKETS_LOST_FIELDS.filter((_, i) => (this.lostSeen & (1 << i)) !== 0);
  }

  /** The layout in force (after any header). */
  get currentLayout(): Layout {
    return this.layout;
  }

  /** Feed decompressed bytes. Lines may span chunks. */
  push(buf: Uint8Array): void {
    let p = 0;
    const len = buf.length;
    while (p < len) {
      if (this.carry !== null || this.carryOverflow) {
        // Finish the line begun in an earlier chunk (or window) first.
        const nl = buf.indexOf(NL, p);
        if (nl < 0) {
          this.appendCarry(buf, p, len);
          return;
        }
        this.appendCarry(buf, p, nl);
        this.flushCarry(true);
        p = nl + 1;
        continue;
      }
      let end = Math.min(len, p + WINDOW);
      // The header line alone in JavaScript: the kernel takes the lines after it (a whole window
      // here was about 2,000 lines of every object parsed in JavaScript).
      if (this.expectHeader && this.kernel !== null && !this.kernelFull) {
        const nl = buf.indexOf(NL, p);
        if (nl >= 0 && nl < end) end = nl + 1;
      }
      // Lines that are not valid UTF-8 are malformed. The kernel does not check, so a window with
      // any byte above 0x7f goes to the JavaScript parser, which does.
      const ascii = isAscii(buf.subarray(p, end));
      if (this.kernel !== null && !this.kernelFull && !this.expectHeader && ascii) {
        const lastNl = buf.lastIndexOf(NL, end - 1);
        if (lastNl >= p) {
          p = this.kernelLines(buf, p, lastNl + 1);
          continue;
        }
        // No line ends in this window: the carry logic below takes it.
      }
      const rest = this.linesInJavaScript(buf, p, end, !ascii);
      // The window's last line is incomplete: re-index it with the next window, or carry it.
      if (rest === p && end < len) {
        this.appendCarry(buf, p, end);
        p = end;
        continue;
      }
      if (end === len && rest < len) {
        this.appendCarry(buf, rest, len);
        return;
      }
      p = rest;
    }
  }

  /**
   * Index `buf[s, e)` and parse its complete lines in JavaScript, checking UTF-8 when asked (the
   * window has bytes above 0x7f); returns where the rest begins.
   */
  private linesInJavaScript(buf: Uint8Array, s: number, e: number, checkUtf8: boolean): number {
    this.checkUtf8 = checkUtf8;
    this.index.build(buf, s, e);
    this.view = viewOf(buf);
    return this.lines(buf, s);
  }

  /** Parse every complete line of the indexed window starting at `s`; returns where the rest begins. */
  private lines(buf: Uint8Array, s: number): number {
    const ix = this.index,
      newlines = ix.newlines,
      before = ix.spacesBefore;
    this.idx = ix.spaces;
    let k = 0;
    for (let i = 0; i < ix.newlineCount; i++) {
      const nl = newlines[i],
        j = before[i];
      this.line(buf, s, nl, k, j);
      s = nl + 1;
      k = j;
    }
    return s;
  }

  /**
   * Run the complete lines `buf[s, e)` on the kernel; parse in JavaScript each line it hands back.
   * Returns where the caller goes on: e, or the line the kernel had no memory left for (from then
   * on this object is scanned in JavaScript, and the kernel's rows so far join at {@link end}).
   */
  private kernelLines(buf: Uint8Array, s: number, e: number): number {
    const kernel = this.kernel!;
    if (!this.kernelStarted) {
      // A format with neither log-status nor a number column gives the kernel nothing that tells
      // a header line from a record (it hands lines back on those): JavaScript takes such objects.
      // The kernel sums no lost packets (Transit Gateway formats): JavaScript takes those too.
      const plan = this.plan,
        key = {
          columns: this.keyCols,
          srcport: plan.srcport,
          dstport: plan.dstport,
          protocol: plan.protocol,
          byRole: plan.isDefault,
        };
      if (
        this.lostCols.length > 0 ||
        !kernelCanTellHeaders(this.layout) ||
        !kernel.start(this.layout, this.windowStart, this.windowEnd, this.hasWindow, key, this.opts.filter)
      ) {
        this.kernelFull = true;
        return s;
      }
      this.kernelStarted = true;
    }
    let from = s;
    for (;;) {
      const c = kernel.counters();
      const before = c[K.blank] + c[K.records];
      const r = kernel.scan(buf, s, e, from);
      const after = kernel.counters();
      this.lineNo += after[K.blank] + after[K.records] - before;
      if (kernel.outOfMemory) {
        this.kernelFull = true;
        return r;
      }
      if (r === e) return e;
      // One line the kernel leaves to us (malformed, a header, a huge number, ...).
      const nl = buf.indexOf(NL, r);
      this.linesInJavaScript(buf, r, nl + 1, false);
      from = nl + 1;
      if (from === e || this.kernelFull) return from;
    }
  }

  /**
   * End of input: a last line without a newline still counts; the kernel's results join ours,
   * in this scanner's table, or in `into` (then this scanner's table holds only the lines the
   * kernel left to it, and the caller adds it to `into` too: one hash insertion less per row),
   * or are handed to `into` as a table view, valid during the call.
   */
  end(into: DigestTable | ((kernelRows: TableView) => void) = this.table): void {
    if (this.carry !== null || this.carryOverflow) this.flushCarry();
    if (this.kernel !== null && this.kernelStarted) {
      if (typeof into === 'function') into(this.kernel.table());
      else into.mergeFrom(this.kernel.table());
      const k = this.kernel.counters(),
        c = this.counters;
      addKernelCounters(c, k);
      this.kernelStarted = false;
    }
  }

  private appendCarry(buf: Uint8Array, s: number, e: number): void {
    if (e === s) return;
    this.carrySeen += e - s;
    this.carryCr = buf[e - 1] === CR;
    if (this.carryOverflow) return;
    const need = this.carryLen + (e - s);
    if (need > MAX_LINE_BYTES) {
      this.carryOverflow = true;
      this.carry = null;
      this.carryLen = 0;
      return;
    }
    if (this.carry === null || this.carry.length < need) {
      const grown = new Uint8Array(Math.max(256, need * 2));
      if (this.carry !== null) grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(buf.subarray(s, e), this.carryLen);
    this.carryLen = need;
  }

  /** The carried line, parsed: `ended` when a newline ended it (else it is the input's last, without one). */
  private flushCarry(ended = false): void {
    if (this.carryOverflow) {
      this.lineNo++;
      const c = this.counters;
      c.lines++;
      c.records++;
      c.bytesRead += this.carrySeen - (this.carryCr ? 1 : 0) + 1;
      // An over-long first line is a record, not a header: the object has none.
      if (this.expectHeader) {
        this.expectHeader = false;
        this.checkLayout();
      }
      this.malformed(`line longer than ${MAX_LINE_BYTES} bytes`);
    } else if (this.carry !== null && !(ended && this.carryToKernel(this.carry, this.carryLen))) {
      this.checkUtf8 = true;
      this.index.build(this.carry, 0, this.carryLen);
      this.view = viewOf(this.carry);
      this.idx = this.index.spaces;
      this.line(this.carry, 0, this.carryLen, 0, this.index.spaceCount);
    }
    this.carry = null;
    this.carryLen = 0;
    this.carryOverflow = false;
    this.carrySeen = 0;
    this.carryCr = false;
  }

  /**
   * A carried line that a newline ended goes to the kernel as the lines around it do: one line
   * at the end of every inflated piece (hundreds an object) was parsed in JavaScript, by code
   * that ran too rarely to be optimized (6-13 ms a worker, measured). False when the kernel does
   * not take lines here (none, full, a header expected), the line does not fit its input, or the
   * line is not ASCII.
   */
  private carryToKernel(carry: Uint8Array, len: number): boolean {
    if (this.kernel === null || this.kernelFull || this.expectHeader || len + 1 > KERNEL_INPUT_BYTES) return false;
    let line = carry;
    if (line.length <= len) {
      line = new Uint8Array(len + 1);
      line.set(carry.subarray(0, len));
    }
    line[len] = NL;
    if (!isAscii(line.subarray(0, len + 1))) return false;
    const r = this.kernelLines(line, 0, len + 1);
    // The kernel could not start, or ran out of memory: JavaScript parses the line.
    if (r < len + 1) this.linesInJavaScript(line, r, len + 1, false);
    return true;
  }

  private applyLayout(layout: Layout, final = true): void {
    this.layout = layout;
    // Absent roles keep start -1: parsers read that as "field not in this format".
    this.pos.fill(-1);
    const roles: number[] = [],
      cols: number[] = [];
    layout.columnOf.forEach((col, role) => {
      if (col >= 0) {
        roles.push(role);
        cols.push(col);
      }
    });
    this.usedRoles = Int8Array.from(roles);
    this.usedCols = Int16Array.from(cols);
    // The v2 key reads its fields by role; any other key by column (absent: `-`).
    const spec = this.opts.keyFromHeader ? (digestKeyOf(layout.fields) ?? this.opts.keySpec) : this.opts.keySpec;
    this.plan =
      spec === undefined && defaultKey(layout.fields) === V2_KEY
        ? DEFAULT_PLAN
        : planKey(resolveKey(spec, layout.fields));
    this.keyCols = Int16Array.from(this.plan.slots, (f) => (f === '' ? -1 : layout.fields.indexOf(f)));
    this.keySeg = new Int32Array(this.plan.slots.length * 2);
    const lost = Int16Array.from(PACKETS_LOST_FIELDS, (f) => layout.fields.indexOf(f));
    this.lostCols = this.plan.isDefault || lost.every((c) => c < 0) ? new Int16Array(0) : lost;
    if (final) this.checkLayout();
  }

  /**
   * A valid header line after the first (`zcat *.gz` repeats each object's): counted, and its
   * layout applies from the next line on. A line that only looks like a header is left to be a
   * record (then malformed): only the first line of an object fails it as a FormatError.
   */
  private laterHeader(buf: Uint8Array, s: number, e: number): boolean {
    // Field names have no digits: a record's first field (an ID, an address, `unknown`) rarely
    // passes this byte test, so records pay for no string.
    let t = s;
    while (t < e && buf[t] !== 32) {
      const b = buf[t++];
      if (!((b >= 97 && b <= 122) || b === DASH)) return false;
    }
    if (!KNOWN_FIELDS.has(latin1(buf, s, t))) return false;
    const tokens = headerTokens(latin1(buf, s, e));
    if (tokens === null || headerProblem(tokens) !== null) return false;
    this.counters.headers++;
    const now = this.layout.fields;
    if (tokens.length === now.length && tokens.every((f, i) => f === now[i])) return true;
    // The kernel was started with the old layout: JavaScript takes the rest of this object.
    if (this.kernelStarted) this.kernelFull = true;
    this.fromHeader = true;
    this.applyLayout(layoutFromFields(tokens));
    return true;
  }

  /** Why a line of `found` fields is malformed: without a header, how to name its format. */
  private countReason(expected: number, found: number): string {
    const base = `expected ${expected} fields, found ${found}`;
    if (this.fromHeader) return base;
    if (this.opts.headerless !== undefined) return `${base} (as the given --fields says)`;
    const preset = presetWithCount(found);
    return `${base}; no header line: pass --fields with the flow log's format${preset === undefined ? '' : ` (${found} fields: --fields ${preset}?)`}`;
  }

  /** Fail the object when its format cannot serve the filters or the key asked for. */
  private checkLayout(): void {
    // The layout is settled: its lost packets are summed from here on.
    if (this.lostCols.length > 0) {
      this.lostCols.forEach((c, i) => {
        if (c >= 0) this.lostSeen |= 1 << i;
      });
      this.table.enableLost();
    }
    const layout = this.layout,
      f = this.opts.filter,
      key = this.opts.key;
    const spec = this.opts.keySpec;
    if (spec !== undefined) {
      for (const name of 'replace' in spec ? spec.replace : spec.add)
        if (!layout.fields.includes(name))
          throw new FormatError(
            `${key}: --key names '${name}', which this object's format lacks${suggest(name, layout.fields)}`,
            { key, field: name },
          );
    }
    if (f.regions !== undefined && layout.columnOf[Role.Region] === -1) {
      throw new FormatError(
        `${this.opts.key}: cannot filter by region: neither the key path nor the records carry a region`,
        { key: this.opts.key, field: 'region' },
      );
    }
    if (this.hasWindow && layout.columnOf[Role.End] === -1) {
      throw new FormatError(`${this.opts.key}: cannot apply the time window: the records have no 'end' field`, {
        key: this.opts.key,
        field: 'end',
      });
    }
  }

  /** One line `buf[s, e)` whose spaces are `idx[k, j)`. */
  private line(buf: Uint8Array, s: number, e: number, k: number, j: number): void {
    this.lineNo++;
    if (e > s && buf[e - 1] === CR) e--;
    const c = this.counters;
    if (e === s) {
      c.blank++;
      return;
    }
    c.lines++;
    c.bytesRead += e - s + 1;
    if (this.expectHeader) {
      this.expectHeader = false;
      const first = buf[s];
      if (first >= 97 && first <= 122) {
        const layout = parseHeader(latin1(buf, s, e), this.opts.key, this.lineNo);
        if (layout !== null) {
          c.headers++;
          this.fromHeader = true;
          this.applyLayout(layout);
          return;
        }
      }
      this.checkLayout();
    } else if (buf[s] >= 97 && buf[s] <= 122 && this.laterHeader(buf, s, e)) {
      return;
    }
    c.records++;
    if (this.checkUtf8 && !isUtf8(buf.subarray(s, e))) return this.malformed('not valid UTF-8');

    // Field count from the index; then the byte range of each field that has a role.
    const ncols = this.layout.roles.length,
      nf = j - k + 1,
      pos = this.pos,
      idx = this.idx;
    if (nf !== ncols) return this.malformed(this.countReason(ncols, nf));
    const used = this.usedRoles,
      cols = this.usedCols,
      last = nf - 1;
    for (let q = 0; q < used.length; q++) {
      const col = cols[q],
        r = used[q] * 2;
      pos[r] = col === 0 ? s : idx[k + col - 1] + 1;
      pos[r + 1] = col === last ? e : idx[k + col];
    }

    // log-status: OK is digested; NODATA / SKIPDATA counted; formats without it count as OK.
    const ss = pos[Role.Status * 2];
    if (ss >= 0) {
      const len = pos[Role.Status * 2 + 1] - ss;
      if (!(len === 2 && buf[ss] === 79 && buf[ss + 1] === 75)) {
        const status = latin1(buf, ss, ss + len);
        const nodata = status === 'NODATA';
        if (status === 'log-status')
          return this.malformed('a header line after the first line (concatenated objects?)');
        if (!nodata && status !== 'SKIPDATA') return this.malformed(`unknown log-status '${clip(status)}'`);
        // A window selects NODATA / SKIPDATA records by `end` too, so a window's counts are its own.
        if (this.hasWindow) {
          const end = parseIntField(buf, pos[Role.End * 2], pos[Role.End * 2 + 1]);
          if (end < ABSENT) return this.badNumber(buf, [0, 0, 0, 0, end, 0, 0]);
          if (end === ABSENT || end < this.windowStart || end >= this.windowEnd) {
            c.filtered++;
            return;
          }
        }
        if (nodata) c.nodata++;
        else c.skipdata++;
        return;
      }
    }

    let sport = parseIntField(buf, pos[Role.SrcPort * 2], pos[Role.SrcPort * 2 + 1]);
    let dport = parseIntField(buf, pos[Role.DstPort * 2], pos[Role.DstPort * 2 + 1]);
    let proto = parseIntField(buf, pos[Role.Protocol * 2], pos[Role.Protocol * 2 + 1]);
    let start = parseIntField(buf, pos[Role.Start * 2], pos[Role.Start * 2 + 1]);
    let end = parseIntField(buf, pos[Role.End * 2], pos[Role.End * 2 + 1]);
    let packets = parseIntField(buf, pos[Role.Packets * 2], pos[Role.Packets * 2 + 1]);
    let bytes = parseIntField(buf, pos[Role.Bytes * 2], pos[Role.Bytes * 2 + 1]);
    if (
      sport < ABSENT ||
      dport < ABSENT ||
      proto < ABSENT ||
      start < ABSENT ||
      end < ABSENT ||
      packets === NOT_INT ||
      bytes === NOT_INT ||
      sport > MAX_PORT ||
      dport > MAX_PORT ||
      proto > MAX_PROTOCOL
    ) {
      return this.badNumber(buf, [sport, dport, proto, start, end, packets, bytes]);
    }
    if (this.lostCols.length > 0 && !this.parseLost(buf, s, e, k, nf - 1)) return;

    if (start >= 0 && end >= 0 && start > end)
      return this.malformed(`field 'start' (${start}) is after field 'end' (${end})`, 'start');

    if (this.hasWindow && (end === ABSENT || end < this.windowStart || end >= this.windowEnd)) {
      c.filtered++;
      return;
    }
    const f = this.opts.filter;
    if (f.accounts !== undefined && !f.accounts.has(this.text(Role.Account, buf))) {
      c.filtered++;
      return;
    }
    if (f.regions !== undefined && !f.regions.has(this.text(Role.Region, buf))) {
      c.filtered++;
      return;
    }

    // A key without a port or the protocol holds -1 there (so the ephemeral rule needs both ports).
    const plan = this.plan;
    if (!plan.isDefault) {
      if (!plan.srcport) sport = ABSENT;
      if (!plan.dstport) dport = ABSENT;
      if (!plan.protocol) proto = ABSENT;
    }

    // Ephemeral port: keep both when either is 0 or absent (ICMP, digests); else zero the larger,
    // the source on a tie. Re-digesting a digest is then a no-op.
    if (sport > 0 && dport > 0) {
      if (sport >= dport) sport = 0;
      else dport = 0;
    }
    // A record with one time only is an instant at that time: its row's start then never passes
    // its end (two such records, one with a start, one with an end, would give start > end, a row
    // a re-digest must refuse).
    if (start === ABSENT) start = end;
    else if (end === ABSENT) end = start;
    if (!plan.isDefault) return this.addKeyed(buf, s, e, k, nf - 1, sport, dport, proto, packets, bytes, start, end);

    // Key: hash the five string fields in place and look up without copying; only a new
    // conversation gets its fields joined (by NUL) into the table's key bytes. The string roles
    // are 1..5, so pos[2..12) is already the (start, end) list the table compares against.
    const view = this.view;
    let h = HASH_SEED;
    for (let r = 2; r < 12; r += 2) {
      const fs0 = pos[r];
      h = fs0 < 0 ? hashField(h, DASH_FIELD, DASH_VIEW, 0, 1) : hashField(h, buf, view, fs0, pos[r + 1]);
    }
    const hash = mixNumbers(h, sport, dport, proto);
    const t = this.table;
    let entry = t.findSegments(buf, view, this.seg, hash, sport, dport, proto);
    if (entry < 0) entry = this.insertKey(buf, hash, sport, dport, proto);
    if (packets === ABSENT) packets = 0;
    else c.packetsSeen = true;
    if (bytes === ABSENT) bytes = 0;
    else c.bytesSeen = true;
    if (packets === TOO_LONG || bytes === TOO_LONG) {
      this.addBig(entry, buf, packets, bytes, start, end);
    } else {
      t.add(entry, packets, bytes, start === ABSENT ? Infinity : start, end === ABSENT ? -Infinity : end);
    }
    c.digested++;
  }

  /** A record under any key but v2's: its string fields by column, joined by NUL into the table's key. */
  private addKeyed(
    buf: Uint8Array,
    s: number,
    e: number,
    k: number,
    last: number,
    sport: number,
    dport: number,
    proto: number,
    packets: number,
    bytes: number,
    start: number,
    end: number,
  ): void {
    const cols = this.keyCols,
      seg = this.keySeg,
      idx = this.idx,
      view = this.view;
    let h = HASH_SEED,
      need = 0;
    for (let q = 0; q < cols.length; q++) {
      const col = cols[q];
      if (col < 0) {
        seg[2 * q] = -1;
        h = hashField(h, DASH_FIELD, DASH_VIEW, 0, 1);
        need += 2;
        continue;
      }
      const a = col === 0 ? s : idx[k + col - 1] + 1,
        b = col === last ? e : idx[k + col];
      seg[2 * q] = a;
      seg[2 * q + 1] = b;
      h = hashField(h, buf, view, a, b);
      need += b - a + 1;
    }
    if (this.scratch.length < need) this.scratch = new Uint8Array(need * 2);
    const scratch = this.scratch;
    let p = 0;
    for (let q = 0; q < cols.length; q++) {
      if (q > 0) scratch[p++] = 0;
      const a = seg[2 * q];
      if (a < 0) scratch[p++] = DASH;
      else {
        scratch.set(buf.subarray(a, seg[2 * q + 1]), p);
        p += seg[2 * q + 1] - a;
      }
    }
    const t = this.table;
    const entry = t.upsert(scratch, 0, p, mixNumbers(h, sport, dport, proto), sport, dport, proto);
    const c = this.counters;
    if (packets === ABSENT) packets = 0;
    else c.packetsSeen = true;
    if (bytes === ABSENT) bytes = 0;
    else c.bytesSeen = true;
    if (packets === TOO_LONG || bytes === TOO_LONG) this.addBig(entry, buf, packets, bytes, start, end);
    else t.add(entry, packets, bytes, start === ABSENT ? Infinity : start, end === ABSENT ? -Infinity : end);
    if (this.lostCols.length > 0) this.addLost(entry, buf);
    c.digested++;
  }

  /**
   * Parse the record's packets-lost-* fields into {@link lostVal}; false (the record counted as
   * malformed) when one is not an integer. `-` adds nothing.
   */
  private parseLost(buf: Uint8Array, s: number, e: number, k: number, last: number): boolean {
    const cols = this.lostCols,
      idx = this.idx,
      pos = this.lostPos,
      val = this.lostVal;
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i];
      if (col < 0) {
        val[i] = ABSENT;
        continue;
      }
      const a = col === 0 ? s : idx[k + col - 1] + 1,
        b = col === last ? e : idx[k + col];
      pos[2 * i] = a;
      pos[2 * i + 1] = b;
      const v = parseIntField(buf, a, b);
      if (v === NOT_INT) {
        const name = PACKETS_LOST_FIELDS[i];
        this.malformed(`field '${name}' is not an integer: '${clip(latin1(buf, a, b))}'`, name);
        return false;
      }
      val[i] = v;
    }
    return true;
  }

  /** Add the values {@link parseLost} found to entry `entry`'s lost-packet sums (a 16+ digit one exactly). */
  private addLost(entry: number, buf: Uint8Array): void {
    const val = this.lostVal,
      t = this.table;
    for (let i = 0; i < val.length; i++) {
      const v = val[i];
      if (v === ABSENT) continue;
      if (v !== TOO_LONG) {
        t.addLost(entry, i, v, 0);
        continue;
      }
      const big = BigInt(latin1(buf, this.lostPos[2 * i], this.lostPos[2 * i + 1]));
      t.addLost(entry, i, Number(big % BigInt(TWO52)), Number(big / BigInt(TWO52)));
    }
  }

  private insertKey(buf: Uint8Array, hash: number, sport: number, dport: number, proto: number): number {
    const seg = this.seg;
    let need = 5;
    for (let j = 0; j < 10; j += 2) need += seg[j] < 0 ? 1 : seg[j + 1] - seg[j];
    if (this.scratch.length < need) this.scratch = new Uint8Array(need * 2);
    const scratch = this.scratch;
    let k = 0;
    for (let j = 0; j < 10; j += 2) {
      if (j > 0) scratch[k++] = 0;
      if (seg[j] < 0) {
        scratch[k++] = DASH;
        continue;
      }
      scratch.set(buf.subarray(seg[j], seg[j + 1]), k);
      k += seg[j + 1] - seg[j];
    }
    return this.table.upsert(scratch, 0, k, hash, sport, dport, proto);
  }

  // Rare: a packets or bytes value of 16+ digits. Split it into the table's two words exactly.
  private addBig(entry: number, buf: Uint8Array, packets: number, bytes: number, start: number, end: number): void {
    const pos = this.pos;
    const words = (v: number, role: number): [number, number] => {
      if (v !== TOO_LONG) return [v, 0];
      const big = BigInt(latin1(buf, pos[role * 2], pos[role * 2 + 1]));
      return [Number(big % BigInt(TWO52)), Number(big / BigInt(TWO52))];
    };
    const [pl, ph] = words(packets, Role.Packets);
    const [bl, bh] = words(bytes, Role.Bytes);
    this.table.addAggregate(
      entry,
      pl,
      ph,
      bl,
      bh,
      start === ABSENT ? Infinity : start,
      end === ABSENT ? -Infinity : end,
      1,
    );
  }

  private badNumber(buf: Uint8Array, values: number[]): void {
    const roles = [Role.SrcPort, Role.DstPort, Role.Protocol, Role.Start, Role.End, Role.Packets, Role.Bytes];
    const max = [MAX_PORT, MAX_PORT, MAX_PROTOCOL];
    const i = values.findIndex((v, j) => v === NOT_INT || (v === TOO_LONG && j < 5) || (j < 3 && v > max[j]));
    const role = roles[i];
    const raw = latin1(buf, this.pos[role * 2], this.pos[role * 2 + 1]);
    const why = values[i] === NOT_INT ? 'is not an integer' : 'is out of range';
    this.malformed(`field '${FIELD_BY_ROLE[role]}' ${why}: '${clip(raw)}'`, FIELD_BY_ROLE[role]);
  }

  private text(role: number, buf: Uint8Array): string {
    const s = this.pos[role * 2];
    return s < 0 ? '-' : latin1(buf, s, this.pos[role * 2 + 1]);
  }

  /** Count one record that is malformed before it is a line (e.g. a JSON document that does not parse). */
  malformedRecord(reason: string, line: number, bytes: number): void {
    const c = this.counters;
    c.lines++;
    c.records++;
    c.bytesRead += bytes;
    const saved = this.lineNo,
      events = this.eventsOf;
    this.lineNo = line;
    this.eventsOf = null;
    try {
      this.malformed(reason);
    } finally {
      this.lineNo = saved;
      this.eventsOf = events;
    }
  }

  private malformed(reason: string, field?: string): void {
    const key = this.opts.key;
    let line = this.lineNo;
    if (this.eventsOf !== null) {
      reason = `log event ${this.eventsOf.events[line - this.eventsOf.base - 1]}: ${reason}`;
      line = this.eventsOf.line;
    }
    if (this.opts.strict)
      throw new MalformedRecordError(reason, field === undefined ? { key, line } : { key, line, field });
    const c = this.counters;
    c.malformed++;
    if (c.samples.length < this.opts.maxSamples) {
      const sample: MalformedSample = { key, line, reason };
      c.samples.push(sample);
    }
  }
}

/** Parse a non-negative decimal integer from bytes. -1: `-` or absent; -2: not an integer; -3: over 15 digits. */
export function parseIntField(buf: Uint8Array, s: number, e: number): number {
  if (s < 0) return ABSENT;
  const len = e - s;
  if (len === 1 && buf[s] === DASH) return ABSENT;
  if (len === 0) return NOT_INT;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return NOT_INT;
    v = v * 10 + d;
  }
  return len > MAX_FAST_DIGITS ? TOO_LONG : v;
}

const DIGEST_VALUES = ['packets', 'bytes', 'start', 'end', 'log-status'];

/** The key a keyed text digest's header names, or undefined for any other header. */
function digestKeyOf(fields: readonly string[]): KeySpec | undefined {
  // A digest's summed packets-lost-* fields follow its values.
  let m = fields.length;
  while (m > 0 && (PACKETS_LOST_FIELDS as readonly string[]).includes(fields[m - 1])) m--;
  const n = m - DIGEST_VALUES.length;
  if (n < 1 || fields[0] === 'version' || !DIGEST_VALUES.every((f, i) => fields[n + i] === f)) return undefined;
  return { replace: fields.slice(0, n) };
}

/** Whether the kernel hands back a header line of this layout (as not OK, or not a number). */
function kernelCanTellHeaders(layout: Layout): boolean {
  const c = layout.columnOf;
  return [Role.Status, Role.SrcPort, Role.DstPort, Role.Protocol, Role.Packets, Role.Bytes, Role.Start, Role.End].some(
    (r) => c[r] !== -1,
  );
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
