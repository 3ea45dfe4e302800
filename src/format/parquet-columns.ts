/**
 * The column-wise Parquet decoder: one column chunk of a row group decoded straight to the bytes
 * its values have in a flow-log line, with no JavaScript value per row. A dictionary's entries
 * are rendered to bytes once and each row keeps only its entry number; plain integers are written
 * as digits from the page bytes; nulls are the entry `-`. {@link writeLines} then lays the
 * columns side by side as lines.
 *
 * Two engines give the same bytes and errors: {@link decodeColumnWasm}, whose loops run in a
 * small WebAssembly module of its own (wasm/parquet-lines.c, apart from the scan kernel) on
 * columns kept in that module's memory, and {@link decodeColumn} in JavaScript, for where
 * WebAssembly cannot run (or FLOWDIGEST_NO_WASM=1). Pages are parsed and inflated in JavaScript
 * either way.
 *
 * It reads what AWS and the fixtures' writer write: data pages v1 and v2, UNCOMPRESSED, GZIP
 * (Node's zlib) or SNAPPY pages, PLAIN and PLAIN_DICTIONARY / RLE_DICTIONARY encodings, RLE
 * definition levels, INT32, INT64 and UTF-8 BYTE_ARRAY columns at the top level. Anything else
 * is {@link Unsupported}, and the caller reads that column with hyparquet instead; the rendering
 * of every value is the same on both paths (see `renderValues`), so the lines are the same bytes.
 * Broken input (a truncated page, an index past the dictionary, too few values) is thrown as a
 * plain Error for the caller to name the object and row group.
 */
import { gunzipSync } from 'node:zlib';
import type { ColumnChunk, PageHeader, SchemaElement } from 'hyparquet';
import { snappyUncompress } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { PARQUET_LINES_WASM_BASE64 } from './wasm/parquet-lines-wasm.js';
import { compileWasm, instantiateWasm } from '../util/wasm-compile.js';

/** A column chunk this decoder does not read (hyparquet reads it); not an error in the object. */
export class Unsupported extends Error {}

const DASH = 45,
  SP = 32,
  NL = 10;

/**
 * One column of a row group as bytes: entry `e` is `arena[offs[e] .. offs[e + 1])`, and row `r`
 * shows entry `idx[r]`. Entry 0 is `-` (null).
 */
export class ColumnBytes {
  arena: Uint8Array;
  used = 0;
  offs: Int32Array;
  entries = 0;
  idx: Int32Array;

  constructor(rows: number, arenaBytes: number) {
    this.arena = new Uint8Array(Math.max(64, arenaBytes));
    this.offs = new Int32Array(Math.max(16, rows + 2));
    this.idx = new Int32Array(rows);
    this.reset(rows);
  }

  /** Empty again (only entry 0, `-`), for `rows` rows: its arrays are kept, grown if need be. */
  reset(rows: number): this {
    if (this.idx.length < rows) this.idx = new Int32Array(rows);
    if (this.offs.length < rows + 2) this.offs = new Int32Array(rows + 2);
    this.arena[0] = DASH;
    this.used = 1;
    this.offs[0] = 0;
    this.offs[1] = 1;
    this.entries = 1;
    return this;
  }

  /** Room for `bytes` more bytes and `entries` more entries. */
  reserve(bytes: number, entries: number): void {
    if (this.used + bytes > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + bytes));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    if (this.entries + entries + 1 > this.offs.length) {
      const grown = new Int32Array(Math.max(this.offs.length * 2, this.entries + entries + 1));
      grown.set(this.offs.subarray(0, this.entries + 1));
      this.offs = grown;
    }
  }
}

/** What the decoder needs to know of a column: its type and whether nulls are possible. */
function checkElement(element: SchemaElement): 'INT32' | 'INT64' | 'BYTE_ARRAY' {
  const { type, converted_type: ctype, logical_type: ltype } = element;
  if (element.repetition_type === 'REPEATED' || (element.num_children ?? 0) > 0) throw new Unsupported('nested');
  if (type === 'INT32' || type === 'INT64') {
    const plainInt =
      ctype === undefined || ctype === 'INT_8' || ctype === 'INT_16' || ctype === 'INT_32' || ctype === 'INT_64';
    if (!plainInt || (ltype !== undefined && !(ltype.type === 'INTEGER' && ltype.isSigned)))
      throw new Unsupported(`${type} ${ctype ?? ltype?.type}`);
    return type;
  }
  if (type === 'BYTE_ARRAY') {
    if ((ctype !== undefined && ctype !== 'UTF8') || (ltype !== undefined && ltype.type !== 'STRING'))
      throw new Unsupported(`BYTE_ARRAY ${ctype ?? ltype?.type}`);
    return type;
  }
  throw new Unsupported(String(type));
}

/** Where a column chunk's pages go, once read: the JavaScript decoder or the WebAssembly one. */
interface PageSink {
  /** The dictionary page's `count` PLAIN values. */
  dictionary(bytes: Uint8Array, count: number): void;
  /**
   * A data page of `values` rows from row `row`: its definition levels' RLE bytes (null: no
   * nulls), and its values from `bytes[p]` in `encoding`.
   */
  data(bytes: Uint8Array, p: number, levels: Uint8Array | null, values: number, encoding: string, row: number): void;
}

/** A column chunk the decoder reads: its type, and where its pages lie in the object. */
interface ChunkPlan {
  type: 'INT32' | 'INT64' | 'BYTE_ARRAY';
  codec: string;
  optional: boolean;
  start: number;
  end: number;
  /** Bytes of its pages inflated (footer's word: a bound to check, not to trust). */
  inflated: number;
}

/**
 * What decoding `chunk` (schema `element`) involves, or Unsupported when hyparquet must read it.
 * @throws Error when the chunk lies outside the object.
 */
function planChunk(file: Uint8Array, chunk: ColumnChunk, element: SchemaElement): ChunkPlan {
  const meta = chunk.meta_data;
  if (meta === undefined || chunk.file_path) throw new Unsupported('no metadata');
  if (meta.path_in_schema.length !== 1) throw new Unsupported('nested');
  const type = checkElement(element);
  if (meta.type !== type) throw new Unsupported('type');
  const codec = meta.codec;
  if (codec !== 'UNCOMPRESSED' && codec !== 'GZIP' && codec !== 'SNAPPY') throw new Unsupported(codec);
  const dictOffset = meta.dictionary_page_offset === undefined ? -1 : Number(meta.dictionary_page_offset);
  const dataOffset = Number(meta.data_page_offset);
  // Some writers put 0 where there is no dictionary page.
  const start = dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset;
  const end = start + Number(meta.total_compressed_size);
  if (start < 0 || end > file.length)
    throw new Error(`column chunk at ${start}-${end} runs past the object's end (${file.length} bytes)`);
  return {
    type,
    codec,
    optional: element.repetition_type !== 'REQUIRED',
    start,
    end,
    inflated: Number(meta.total_uncompressed_size),
  };
}

/** Read the pages of a planned chunk of `rows` rows into `sink`. */
function walkPages(file: Uint8Array, plan: ChunkPlan, rows: number, sink: PageSink): void {
  const { codec, optional, end } = plan;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let row = 0;
  let pos = plan.start;
  while (row < rows) {
    if (pos >= end) throw new Error(`${rows - row} of ${rows} rows missing (the column's pages end early)`);
    const reader = { view, offset: pos };
    let header: PageHeader;
    try {
      header = parquetHeader(reader);
    } catch (err) {
      throw new Error(`unreadable page header at ${pos}: ${(err as Error).message}`);
    }
    const bodyStart = reader.offset;
    const bodyEnd = bodyStart + header.compressed_page_size;
    if (!(header.compressed_page_size >= 0) || bodyEnd > end)
      throw new Error(`page at ${pos} runs past its column chunk (truncated page)`);
    pos = bodyEnd;
    const body = file.subarray(bodyStart, bodyEnd);
    if (header.type === 'DICTIONARY_PAGE') {
      const dph = header.dictionary_page_header;
      if (dph === undefined || (dph.encoding !== 'PLAIN' && dph.encoding !== 'PLAIN_DICTIONARY'))
        throw new Unsupported('dictionary page');
      sink.dictionary(inflate(body, codec, header.uncompressed_page_size), dph.num_values);
    } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      let bytes: Uint8Array,
        values: number,
        p = 0,
        levels: Uint8Array | null = null,
        encoding: string;
      if (header.type === 'DATA_PAGE') {
        const h = header.data_page_header;
        if (h === undefined) throw new Error(`data page at ${bodyStart} without its header`);
        encoding = h.encoding;
        values = h.num_values;
        bytes = inflate(body, codec, header.uncompressed_page_size);
        if (optional) {
          if (h.definition_level_encoding !== 'RLE') throw new Unsupported(`levels ${h.definition_level_encoding}`);
          if (bytes.length < 4) throw new Error('truncated page (definition levels)');
          const n = view32(bytes, 0);
          if (4 + n > bytes.length) throw new Error('truncated page (definition levels)');
          levels = bytes.subarray(4, 4 + n);
          p = 4 + n;
        }
      } else {
        const h = header.data_page_header_v2;
        if (h === undefined) throw new Error(`data page at ${bodyStart} without its header`);
        encoding = h.encoding;
        values = h.num_values;
        if (h.repetition_levels_byte_length !== 0) throw new Unsupported('repetition levels');
        const dl = h.definition_levels_byte_length;
        if (dl < 0 || dl > body.length) throw new Error('truncated page (definition levels)');
        // A page without nulls (the header says so) needs no levels.
        if (optional && h.num_nulls !== 0) levels = body.subarray(0, dl);
        const rest = body.subarray(dl);
        bytes = h.is_compressed === false ? rest : inflate(rest, codec, header.uncompressed_page_size - dl);
      }
      if (values > rows - row) throw new Error(`a page holds ${values} values, more than the ${rows - row} rows left`);
      if (encoding !== 'PLAIN' && encoding !== 'RLE_DICTIONARY' && encoding !== 'PLAIN_DICTIONARY')
        throw new Unsupported(`encoding ${encoding}`);
      sink.data(bytes, p, levels, values, encoding, row);
      row += values;
    } else if (header.type !== 'INDEX_PAGE') throw new Unsupported(`page ${header.type}`);
  }
}

/**
 * Decode the column chunk `chunk` (of `rows` rows, schema `element`) in `file` to its line bytes,
 * in JavaScript, into `reuse` if given (its arrays are kept from one row group to the next).
 * @throws Unsupported for what hyparquet must read; Error for a broken chunk.
 */
export function decodeColumn(
  file: Uint8Array,
  chunk: ColumnChunk,
  element: SchemaElement,
  rows: number,
  reuse?: ColumnBytes,
): ColumnBytes {
  const plan = planChunk(file, chunk, element);
  const type = plan.type;
  const out =
    reuse?.reset(rows) ?? new ColumnBytes(rows, type === 'BYTE_ARRAY' ? 64 : rows * (type === 'INT32' ? 4 : 6));
  let dictBase = -1,
    dictSize = 0;
  walkPages(file, plan, rows, {
    dictionary(bytes, count) {
      dictSize = count;
      dictBase = addPlain(out, type, bytes, 0, bytes.length, count);
    },
    data(bytes, p, levels, values, encoding, row) {
      let defs: Uint8Array | null = null;
      if (levels !== null) {
        defs = new Uint8Array(values);
        readHybrid(levels, 0, levels.length, 1, defs, values);
      }
      // Non-null values, in row order.
      const present = defs === null ? values : countSet(defs, values);
      const idx = out.idx;
      if (encoding === 'PLAIN') {
        const first = addPlain(out, type, bytes, p, bytes.length, present);
        sequence(idx, row, present, first);
      } else {
        if (dictBase < 0) throw new Error('dictionary-encoded page without a dictionary page');
        if (present > 0) {
          if (p >= bytes.length) throw new Error('truncated page (dictionary indices)');
          const width = bytes[p];
          if (width > 24) throw new Unsupported(`index width ${width}`);
          // The indices straight into the rows' entries, then checked and moved to the dictionary's.
          readHybrid(bytes, p + 1, bytes.length, width, idx.subarray(row, row + present), present);
          const bad = rebase(idx, row, row + present, dictBase, dictSize);
          if (bad >= 0) throw new Error(`dictionary index ${bad} out of range (the dictionary holds ${dictSize})`);
        }
      }
      // Spread the values over their rows, from the end, leaving the null rows entry 0.
      if (defs !== null && present < values) spread(idx, row, values, present, defs);
    },
  });
  return out;
}

// The hot loops of decodeColumn, each a small function: they are compiled sooner (and inlined)
// than loops inside a large one.

/** How many of `defs[0 .. n)` are 1 (values present). */
function countSet(defs: Uint8Array, n: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) k += defs[i];
  return k;
}

/** `idx[row + i] = first + i` for i < n. */
function sequence(idx: Int32Array, row: number, n: number, first: number): void {
  for (let i = 0; i < n; i++) idx[row + i] = first + i;
}

/** Dictionary codes `idx[from .. to)` as entries (`base + code`); returns the first code past `size`, else -1. */
function rebase(idx: Int32Array, from: number, to: number, base: number, size: number): number {
  for (let i = from; i < to; i++) {
    const code = idx[i];
    if (code >= size) return code;
    idx[i] = base + code;
  }
  return -1;
}

/** The `present` values at `idx[row ..]` spread over the page's `values` rows, null rows entry 0 (from the end, in place). */
function spread(idx: Int32Array, row: number, values: number, present: number, defs: Uint8Array): void {
  for (let i = values - 1, k = row + present - 1; i >= 0; i--) idx[row + i] = defs[i] === 0 ? 0 : idx[k--];
}

function inflate(body: Uint8Array, codec: string, size: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    if (codec === 'UNCOMPRESSED') bytes = body;
    // One output chunk as large as the page (its header says how large, up to 16 MiB): no concatenation.
    else if (codec === 'GZIP') bytes = gunzipSync(body, { chunkSize: Math.min(Math.max(1024, size + 64), 1 << 24) });
    else {
      bytes = new Uint8Array(size);
      snappyUncompress(body, bytes);
    }
  } catch (err) {
    throw new Error(`page does not decompress (${(err as Error).message})`);
  }
  if (bytes.length !== size) throw new Error(`page inflates to ${bytes.length} bytes, not ${size}`);
  return bytes;
}

function view32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/**
 * The RLE / bit-packed hybrid in `b[p .. end)`: `count` values of `width` bits (at most 24) into
 * `out`. Runs past `end` are a truncated page.
 */
function readHybrid(
  b: Uint8Array,
  p: number,
  end: number,
  width: number,
  out: Uint8Array | Int32Array,
  count: number,
): void {
  const bytesPerRle = (width + 7) >> 3;
  const mask = width === 0 ? 0 : (1 << width) - 1;
  let seen = 0;
  while (seen < count) {
    // The run's header (a ULEB128 varint).
    let header = 0,
      shift = 0,
      byte: number;
    do {
      if (p >= end) throw new Error('truncated page (RLE run)');
      byte = b[p++];
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    if (header % 2 === 0) {
      const n = header / 2;
      if (p + bytesPerRle > end) throw new Error('truncated page (RLE run)');
      let v = 0;
      for (let i = 0; i < bytesPerRle; i++) v |= b[p++] << (8 * i);
      const stop = Math.min(count, seen + n);
      out.fill(v, seen, stop);
      seen = stop;
    } else {
      const groups = (header - 1) / 2;
      const nbytes = groups * width;
      if (p + nbytes > end) throw new Error('truncated page (bit-packed run)');
      const stop = Math.min(count, seen + groups * 8);
      const runStart = p;
      let acc = 0,
        bits = 0;
      for (; seen < stop; seen++) {
        while (bits < width) {
          acc |= b[p++] << bits;
          bits += 8;
        }
        out[seen] = acc & mask;
        acc >>>= width;
        bits -= width;
      }
      // The run is groups * width bytes, however many of its values were wanted.
      p = runStart + nbytes;
    }
  }
}

/**
 * Add `count` PLAIN values of `type` from `b[p .. end)` as entries, rendered as in a flow-log
 * line; returns the first one's entry number.
 */
function addPlain(out: ColumnBytes, type: string, b: Uint8Array, p: number, end: number, count: number): number {
  const first = out.entries;
  if (type === 'BYTE_ARRAY') addBytes(out, b, p, end, count);
  else {
    const width = type === 'INT32' ? 4 : 8;
    if (p + width * count > end)
      throw new Error(`truncated page (${count} ${type} values need ${width * count} bytes, ${end - p} left)`);
    out.reserve(count * 21, count);
    if (width === 4) addInt32(out, b, p, count);
    else addInt64(out, b, p, count);
  }
  return first;
}

function addBytes(out: ColumnBytes, b: Uint8Array, p: number, end: number, count: number): void {
  out.reserve(end - p + count, count);
  const { arena, offs } = out;
  let used = out.used,
    e = out.entries,
    high = 0;
  for (let i = 0; i < count; i++) {
    if (p + 4 > end) throw new Error('truncated page (string values)');
    const n = view32(b, p);
    p += 4;
    if (p + n > end) throw new Error('truncated page (string values)');
    if (n === 0) arena[used++] = DASH;
    else
      for (let k = 0; k < n; k++) {
        const c = b[p + k];
        high |= c;
        arena[used++] = c;
      }
    p += n;
    offs[++e] = used;
  }
  // hyparquet decodes strings as UTF-8; its path alone renders anything beyond ASCII the same.
  if (high & 0x80) throw new Unsupported('non-ASCII strings');
  out.used = used;
  out.entries = e;
}

function addInt32(out: ColumnBytes, b: Uint8Array, p: number, count: number): void {
  const { arena, offs } = out;
  let used = out.used,
    e = out.entries;
  for (let i = 0; i < count; i++, p += 4) {
    let v = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
    if (v < 0) {
      arena[used++] = DASH;
      v = -v;
    }
    used = writeDigits(arena, used, v);
    offs[++e] = used;
  }
  out.used = used;
  out.entries = e;
}

function addInt64(out: ColumnBytes, b: Uint8Array, p: number, count: number): void {
  const { arena, offs } = out;
  let used = out.used,
    e = out.entries;
  for (let i = 0; i < count; i++, p += 8) {
    const lo = view32(b, p);
    const hi = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
    if (hi >= 0 && hi < 0x200000) used = writeDigits(arena, used, hi * 4294967296 + lo);
    else if (hi < 0 && hi >= -0x200000) {
      arena[used++] = DASH;
      used = writeDigits(arena, used, -(hi * 4294967296 + lo));
    } else {
      // Beyond 2^53: exact, through a BigInt (rare: one per such value).
      const s = ((BigInt(hi) << 32n) | BigInt(lo)).toString();
      for (let k = 0; k < s.length; k++) arena[used++] = s.charCodeAt(k);
    }
    offs[++e] = used;
  }
  out.used = used;
  out.entries = e;
}

/** `v` (an integer, 0 ≤ v < 2^53) as decimal digits at `a[p]`; returns the end. */
function writeDigits(a: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    a[p] = 48 + v;
    return p + 1;
  }
  let digits = 1;
  for (let d = 10; d <= v; d *= 10) digits++;
  let i = p + digits;
  if (v < 0x80000000) {
    while (v >= 10) {
      const q = (v / 10) | 0;
      a[--i] = 48 + (v - q * 10);
      v = q;
    }
  } else
    while (v >= 10) {
      const q = Math.floor(v / 10);
      a[--i] = 48 + (v - q * 10);
      v = q;
    }
  a[--i] = 48 + v;
  return p + digits;
}

/**
 * Values decoded by hyparquet (one per row) as a column of bytes, rendered as the fast decoder
 * renders them: integers in decimal, strings as UTF-8, null or an empty string as `-`.
 */
export function renderValues(values: ArrayLike<unknown>, rows: number): ColumnBytes {
  const out = new ColumnBytes(rows, rows * 8);
  let buf = Buffer.from(out.arena.buffer, out.arena.byteOffset, out.arena.byteLength);
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v === null || v === undefined || v === '') {
      out.idx[r] = 0;
      continue;
    }
    const s = typeof v === 'string' ? v : String(v);
    const room = s.length * 3;
    if (out.used + room > out.arena.length || out.entries + 2 > out.offs.length) {
      out.reserve(room + 4096, rows - r);
      buf = Buffer.from(out.arena.buffer, out.arena.byteOffset, out.arena.byteLength);
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 53)
      out.used = writeDigits(out.arena, out.used, v);
    else out.used += buf.write(s, out.used, typeof v === 'string' ? 'utf8' : 'latin1');
    out.idx[r] = out.entries;
    out.offs[++out.entries] = out.used;
  }
  return out;
}

interface LinesExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heap_base(): number;
  lines_size(ncols: number, rows: number, cols: number): number;
  write_lines(ncols: number, rows: number, cols: number, out: number): number;
  bytes_high(): number;
  hybrid(src: number, len: number, width: number, out: number, count: number): number;
  count_set(defs: number, n: number): number;
  sequence(idx: number, n: number, first: number): void;
  rebase(idx: number, n: number, base: number, size: number): number;
  spread(idx: number, values: number, present: number, defs: number): void;
  plain_ints(src: number, count: number, width: number, at: number, offs: number): number;
  plain_bytes(src: number, len: number, count: number, at: number, offs: number): number;
}
let linesModule: LinesExports | null | undefined;

/** This thread's line writer (wasm/parquet-lines.c), or null where WebAssembly cannot run or FLOWDIGEST_NO_WASM=1. */
function linesWasm(): LinesExports | null {
  if (linesModule === undefined) {
    linesModule = null;
    if (process.env.FLOWDIGEST_NO_WASM !== '1')
      try {
        const module = compileWasm(PARQUET_LINES_WASM_BASE64);
        linesModule = instantiateWasm(module) as LinesExports;
      } catch {
        linesModule = null;
      }
  }
  return linesModule;
}

/** Which code lays the columns out as lines: WebAssembly where it runs, else JavaScript. */
export type LineWriter = 'wasm' | 'js';

/** Rows laid out as lines at a time: the lines' buffer stays small (about 1.5 MB). */
const LINE_ROWS = 16384;

/**
 * The rows of a row group as flow-log lines, given to `push` in pieces: its columns' bytes,
 * space-separated, one line a row. Returns the bytes pushed. The lines are written in WebAssembly
 * (columns decoded in JavaScript are copied into its memory first; each piece is a view of that
 * memory, valid during the call), or in JavaScript when `writer` is `js` or WebAssembly cannot
 * run; the bytes are the same.
 */
export function writeLines(
  cols: readonly (ColumnBytes | WasmColumn)[],
  rows: number,
  writer: LineWriter,
  push: (lines: Uint8Array) => void,
): number {
  const x = writer === 'wasm' ? linesWasm() : null;
  if (x === null || rows === 0) {
    if (cols.some((c) => c instanceof WasmColumn))
      throw new Error('columns decoded in WebAssembly need its line writer');
    const text = assembleLinesJs(cols as ColumnBytes[], rows);
    push(text);
    return text.length;
  }
  const n = cols.length;
  // Layout, after the columns decoded in WebAssembly (wasmTop): the columns' descriptors, then
  // each JavaScript column's idx, offs and arena (16 bytes to spare after each arena and after
  // the lines: the writer copies 8 bytes at a time), then the lines.
  const desc = Math.max(x.heap_base(), wasmTop);
  let p = desc + 16 * n;
  const idxOf: number[] = [];
  const at: number[] = [];
  for (const c of cols) {
    if (c instanceof WasmColumn) {
      at.push(0, 0, 0);
      continue;
    }
    at.push(p);
    p += rows * 4;
    at.push(p);
    p += (c.entries + 1) * 4;
    at.push(p);
    p = (p + c.used + 16 + 15) & ~15;
  }
  reserve(x, p);
  let buf = x.memory.buffer;
  const d = new Uint32Array(buf, desc, 4 * n);
  cols.forEach((c, i) => {
    if (c instanceof WasmColumn) {
      // Its entries' offsets are addresses already.
      idxOf.push(c.idx);
      d[4 * i + 1] = c.offs;
      d[4 * i + 2] = 0;
      return;
    }
    const [idx, offs, arena] = [at[3 * i], at[3 * i + 1], at[3 * i + 2]];
    new Int32Array(buf, idx, rows).set(c.idx.subarray(0, rows));
    new Int32Array(buf, offs, c.entries + 1).set(c.offs.subarray(0, c.entries + 1));
    new Uint8Array(buf, arena, c.used).set(c.arena.subarray(0, c.used));
    idxOf.push(idx);
    d[4 * i + 1] = offs;
    d[4 * i + 2] = arena;
  });
  let total = 0;
  for (let r = 0; r < rows; r += LINE_ROWS) {
    const count = Math.min(LINE_ROWS, rows - r);
    // The descriptors' idx at row r (a view made again: growing the memory ends the old ones).
    const di = new Uint32Array(x.memory.buffer, desc, 4 * n);
    for (let i = 0; i < n; i++) di[4 * i] = idxOf[i] + r * 4;
    const size = x.lines_size(n, count, desc);
    reserve(x, p + size + 16);
    buf = x.memory.buffer;
    const written = x.write_lines(n, count, desc, p);
    if (written !== size) throw new Error(`the line writer wrote ${written} bytes, not ${size}`);
    push(new Uint8Array(buf, p, size));
    total += size;
  }
  return total;
}

/** Grow the writer's memory to at least `bytes`. */
function reserve(x: LinesExports, bytes: number): void {
  const have = x.memory.buffer.byteLength;
  if (bytes > have) x.memory.grow(Math.ceil((bytes - have) / 65536));
}

function assembleLinesJs(cols: readonly ColumnBytes[], rows: number): Uint8Array {
  const pos = new Int32Array(rows).fill(cols.length);
  for (const c of cols) {
    const { idx, offs } = c;
    for (let r = 0; r < rows; r++) {
      const e = idx[r];
      pos[r] += offs[e + 1] - offs[e];
    }
  }
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const n = pos[r];
    pos[r] = total;
    total += n;
  }
  const out = Buffer.allocUnsafe(total);
  for (let c = 0; c < cols.length; c++) {
    const { idx, offs, arena } = cols[c];
    const sep = c === cols.length - 1 ? NL : SP;
    for (let r = 0; r < rows; r++) {
      const e = idx[r];
      let s = offs[e];
      const t = offs[e + 1];
      let q = pos[r];
      while (s < t) out[q++] = arena[s++];
      out[q++] = sep;
      pos[r] = q;
    }
  }
  return out;
}

// ---- The WebAssembly decoder: the same pages, its loops in wasm/parquet-lines.c ----

/** The top of the memory the row group's columns use in the module (0: none). */
let wasmTop = 0;

/** Start a row group: the module's memory is free again above its heap base. Returns false without WebAssembly. */
export function wasmRowGroup(): boolean {
  const x = linesWasm();
  if (x === null) return false;
  wasmTop = x.heap_base();
  return true;
}

/** `bytes` more bytes of the module's memory, 16-aligned; grows it. */
function wasmAlloc(x: LinesExports, bytes: number): number {
  const at = wasmTop;
  const top = at + bytes + 16;
  // Past what a 32-bit memory can hold, or what this process may map: the JavaScript decoder reads the chunk.
  if (top >= 2 ** 32 - 65536) throw new Unsupported('more than WebAssembly memory holds');
  try {
    reserve(x, top);
  } catch (err) {
    throw new Unsupported(`WebAssembly memory cannot grow (${(err as Error).message})`);
  }
  wasmTop = (at + bytes + 15) & ~15;
  return at;
}

/** `bytes` copied into the module's memory (above the columns; freed by resetting wasmTop). */
function wasmCopy(x: LinesExports, bytes: Uint8Array): number {
  const at = wasmAlloc(x, bytes.length);
  new Uint8Array(x.memory.buffer, at, bytes.length).set(bytes);
  return at;
}

/**
 * A column decoded in the module's memory: row r shows entry idx[r], the bytes between the
 * addresses offs[e] and offs[e + 1]. Entry 0 is `-`.
 */
export class WasmColumn {
  entries = 1;
  /** Address after the last entry's bytes. */
  end: number;
  constructor(
    readonly idx: number,
    readonly offs: number,
    readonly entryCap: number,
    readonly arenaEnd: number,
    arena: number,
    x: LinesExports,
  ) {
    new Uint8Array(x.memory.buffer, arena, 1)[0] = DASH;
    const o = new Int32Array(x.memory.buffer, offs, 2);
    o[0] = arena;
    o[1] = arena + 1;
    this.end = arena + 1;
  }
}

const MAX_DIGITS = { INT32: 11, INT64: 20, BYTE_ARRAY: 0 } as const;

/**
 * Decode the column chunk `chunk` as {@link decodeColumn} does, in the WebAssembly module's memory
 * (call {@link wasmRowGroup} first for each row group). The same bytes, the same errors.
 */
export function decodeColumnWasm(
  file: Uint8Array,
  chunk: ColumnChunk,
  element: SchemaElement,
  rows: number,
): WasmColumn {
  const x = linesWasm();
  if (x === null) throw new Unsupported('no WebAssembly');
  const plan = planChunk(file, chunk, element);
  const type = plan.type;
  // Bounds from the footer (a dictionary holds at most one value per 4 or 8 inflated bytes). A page
  // that would pass them is never written past them: the chunk goes to the JavaScript decoder.
  const dictCap = Math.ceil(plan.inflated / (type === 'INT64' ? 8 : 4)) + 1;
  const entryCap = 2 + rows + dictCap;
  const arenaCap = 1 + (type === 'BYTE_ARRAY' ? plan.inflated + rows + dictCap : MAX_DIGITS[type] * (rows + dictCap));
  const idx = wasmAlloc(x, rows * 4);
  const offs = wasmAlloc(x, entryCap * 4);
  const arena = wasmAlloc(x, arenaCap + 16);
  const col = new WasmColumn(idx, offs, entryCap, arena + arenaCap, arena, x);
  const width = type === 'INT32' ? 4 : 8;
  /** Add `count` PLAIN values from bytes[p ..] as entries; returns the first one's number. */
  const addPlainWasm = (bytes: Uint8Array, p: number, count: number): number => {
    const first = col.entries;
    if (first + count + 1 > entryCap) throw new Unsupported('more values than the footer allows');
    const mark = wasmTop;
    const at = col.end;
    if (type === 'BYTE_ARRAY') {
      if (at + (bytes.length - p) + count > col.arenaEnd) throw new Unsupported('more bytes than the footer allows');
      const src = wasmCopy(x, bytes.subarray(p));
      const end = x.plain_bytes(src, bytes.length - p, count, at, offs + first * 4);
      if (end === 0) throw new Error('truncated page (string values)');
      if (x.bytes_high() & 0x80) throw new Unsupported('non-ASCII strings');
      col.end = end;
    } else {
      if (p + width * count > bytes.length)
        throw new Error(
          `truncated page (${count} ${type} values need ${width * count} bytes, ${bytes.length - p} left)`,
        );
      if (at + MAX_DIGITS[type] * count > col.arenaEnd) throw new Unsupported('more values than the footer allows');
      const src = wasmCopy(x, bytes.subarray(p, p + width * count));
      col.end = x.plain_ints(src, count, width, at, offs + first * 4);
    }
    wasmTop = mark;
    col.entries += count;
    return first;
  };
  let dictBase = -1,
    dictSize = 0;
  walkPages(file, plan, rows, {
    dictionary(bytes, count) {
      dictSize = count;
      dictBase = addPlainWasm(bytes, 0, count);
    },
    data(bytes, p, levels, values, encoding, row) {
      const mark = wasmTop;
      const rowIdx = idx + row * 4;
      let defs = 0;
      let present = values;
      if (levels !== null) {
        const src = wasmCopy(x, levels);
        defs = wasmAlloc(x, values * 4);
        if (x.hybrid(src, levels.length, 1, defs, values) !== 0) throw new Error('truncated page (RLE run)');
        present = x.count_set(defs, values);
      }
      if (encoding === 'PLAIN') {
        const first = addPlainWasm(bytes, p, present);
        x.sequence(rowIdx, present, first);
      } else {
        if (dictBase < 0) throw new Error('dictionary-encoded page without a dictionary page');
        if (present > 0) {
          if (p >= bytes.length) throw new Error('truncated page (dictionary indices)');
          const bitWidth = bytes[p];
          if (bitWidth > 24) throw new Unsupported(`index width ${bitWidth}`);
          const src = wasmCopy(x, bytes.subarray(p + 1));
          if (x.hybrid(src, bytes.length - p - 1, bitWidth, rowIdx, present) !== 0)
            throw new Error('truncated page (RLE run)');
          const bad = x.rebase(rowIdx, present, dictBase, dictSize);
          if (bad >= 0) throw new Error(`dictionary index ${bad} out of range (the dictionary holds ${dictSize})`);
        }
      }
      if (levels !== null && present < values) x.spread(rowIdx, values, present, defs);
      wasmTop = mark;
    },
  });
  return col;
}
