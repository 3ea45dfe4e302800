/**
 * The on-disk spool: events appended as JSON lines, fsynced before `append` resolves, in
 * segment files named by the sequence number of their first event (`seg-0000000000000001.ndjson`).
 * Each sink's next sequence number is kept in `offsets.json` (written atomically), so every sink
 * resumes from its own position after a restart or a SIGKILL. Segments every sink has passed
 * are deleted.
 *
 * Concurrent appends share one write and one fsync (group commit). The events not yet delivered
 * to every sink are also held in memory as their JSON lines, so memory and the disk use are both
 * bounded by `maxBytes` (plus one segment of already-delivered events on disk).
 */
import { closeSync, openSync } from 'node:fs';
import { open, readdir, readFile, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditSpoolError, AuditSpoolFullError } from '../errors.js';
import { takeLock } from './lock.js';
import { ensureDir, syncDir, TMP_PREFIX, writeDurable } from '../util/durable.js';
import type { AuditEvent } from './types.js';
import type { AuditLogger } from './logger.js';

/** Options of {@link Spool.open}. */
export interface SpoolOptions {
  dir: string;
  /** Bytes of events not yet delivered to every sink, at most. */
  maxBytes: number;
  /** A new segment starts once the active one holds this many bytes. */
  segmentBytes: number;
  /** The sinks whose positions are tracked. */
  sinks: readonly string[];
  logger: AuditLogger;
}

interface Segment {
  base: number;
  path: string;
  size: number;
  end: number;
}
interface Entry {
  line: string;
  bytes: number;
  recordedAt: number;
}
interface Pending {
  line: string;
  bytes: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

const SEGMENT = /^seg-(\d{16})\.ndjson$/;
const OFFSETS = 'offsets.json';
const LOCK = 'lock';
/** Spool directories this process holds, so two auditors in one process cannot share one. */
const HELD = new Set<string>();

const segmentName = (base: number) => `seg-${String(base).padStart(16, '0')}.ndjson`;

/** Room held in the spool by {@link Spool.reserve}. */
export interface SpoolHold {
  readonly bytes: number;
  released: boolean;
}

export class Spool {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly logger: AuditLogger;
  private entries: Entry[] = [];
  /** Index in `entries` of the event whose sequence number is `floor`. */
  private head = 0;
  /** The lowest sequence number some sink still needs. */
  private floor = 0;
  /** The sequence number the next appended event gets. */
  private next = 0;
  private used = 0;
  private reserved = 0;
  /** Room held for events promised but not yet recorded (see {@link reserve}). */
  private held = 0;
  private fullFlag = false;
  private readonly positions = new Map<string, number>();
  private readonly segments: Segment[] = [];
  private active: FileHandle | undefined;
  private pending: Pending[] = [];
  private writing: Promise<void> | undefined;
  private broken: Error | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private closed = false;
  private readonly listeners = new Set<() => void>();

  private constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.segmentBytes = options.segmentBytes;
    this.logger = options.logger;
  }

  /** Open (or create) the spool in `options.dir` and recover what a previous run left. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await ensureDir(options.dir);
    spool.lock();
    try {
      await spool.recover(options.sinks);
    } catch (err) {
      spool.unlock();
      throw err;
    }
    return spool;
  }

  /** Take the directory's lock file, or throw when a live process holds it. */
  private lock(): void {
    const path = join(this.dir, LOCK);
    if (HELD.has(path))
      throw new AuditSpoolError(`audit spool ${this.dir} is already open in this process`, { key: this.dir });
    // A lock left by a dead process (SIGKILL, reaped or not) or naming a reused PID is taken over.
    const holder = takeLock(this.dir, LOCK);
    if (holder !== undefined) {
      throw new AuditSpoolError(
        `audit spool ${this.dir} is in use by process ${holder}; give each process its own spool directory`,
        { key: this.dir },
      );
    }
    HELD.add(path);
  }

  private unlock(): void {
    const path = join(this.dir, LOCK);
    HELD.delete(path);
    try {
      closeSync(openSync(path, 'w'));
    } catch {
      /* the directory is gone: nothing to release */
    }
  }

  private async recover(sinks: readonly string[]): Promise<void> {
    const names = await readdir(this.dir);
    await Promise.all(names.filter((n) => n.startsWith(TMP_PREFIX)).map((n) => rm(join(this.dir, n), { force: true })));
    const saved = await this.readOffsets(names.includes(OFFSETS));
    const bases = names
      .map((n) => SEGMENT.exec(n))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    let first: number | undefined;
    for (const base of bases) {
      const path = join(this.dir, segmentName(base));
      const prev = this.segments.at(-1);
      if (prev !== undefined && base < prev.end) {
        throw new AuditSpoolError(
          `${path}: segment starts at event ${base}, inside the previous segment (which ends at ${prev.end}); the spool is damaged`,
          { key: path },
        );
      }
      const seg = await this.readSegment(path, base, saved.floor);
      first ??= base;
      this.segments.push(seg);
    }
    const lastEnd = this.segments.at(-1)?.end ?? 0;
    const known = Object.values(saved.sinks);
    this.next = Math.max(lastEnd, saved.floor, ...known);
    // Events below the saved floor were delivered everywhere; events before the first segment are gone.
    this.floor = Math.max(saved.floor, first ?? this.next);
    if (this.entries.length === 0) this.floor = this.next;
    for (const name of sinks) {
      const at = saved.sinks[name] ?? this.floor;
      this.positions.set(name, Math.min(Math.max(at, this.floor), this.next));
    }
    this.advanceFloor();
    await this.saveOffsets();
  }

  private async readOffsets(exists: boolean): Promise<{ floor: number; sinks: Record<string, number> }> {
    if (!exists) return { floor: 0, sinks: {} };
    const path = join(this.dir, OFFSETS);
    try {
      const o = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; floor?: unknown; sinks?: unknown };
      const sinks = o.sinks as Record<string, unknown>;
      if (
        o.version !== 1 ||
        !Number.isSafeInteger(o.floor) ||
        sinks === null ||
        typeof sinks !== 'object' ||
        Object.values(sinks).some((v) => !Number.isSafeInteger(v))
      )
        throw new Error('unexpected shape');
      return { floor: o.floor as number, sinks: sinks as Record<string, number> };
    } catch (err) {
      throw new AuditSpoolError(
        `${path}: not a spool offsets file (${(err as Error).message}); the spool is damaged`,
        { key: path },
        { cause: err },
      );
    }
  }

  /** Load one segment's events at or above `floor`; drop a torn last line (never acknowledged). */
  private async readSegment(path: string, base: number, floor: number): Promise<Segment> {
    const buf = await readFile(path);
    let end = buf.lastIndexOf(0x0a) + 1;
    if (end < buf.length) {
      // A torn write: the crash came before the fsync, so `append` never resolved for it.
      this.logger.warn(
        { file: path, bytes: buf.length - end },
        'audit spool: dropped a torn last line left by a crash (it was never acknowledged)',
      );
      await truncate(path, end);
    }
    const text = buf.subarray(0, end).toString('utf8');
    let seq = base;
    let at = 0;
    let line = 0;
    while (at < text.length) {
      const nl = text.indexOf('\n', at);
      const raw = text.slice(at, nl + 1);
      at = nl + 1;
      line++;
      let event: AuditEvent;
      try {
        event = JSON.parse(raw) as AuditEvent;
        if (event === null || typeof event !== 'object' || typeof event.id !== 'string')
          throw new Error('not an audit event');
      } catch (err) {
        throw new AuditSpoolError(
          `${path}:${line}: not a JSON audit event (${(err as Error).message}); the spool is damaged`,
          { key: path, line },
        );
      }
      if (seq >= floor) {
        const bytes = Buffer.byteLength(raw);
        const ts = Date.parse(event.timestamp);
        this.entries.push({ line: raw, bytes, recordedAt: Number.isNaN(ts) ? Date.now() : ts });
        this.used += bytes;
      }
      seq++;
    }
    end = Buffer.byteLength(text);
    return { base, path, size: end, end: seq };
  }

  /** Call `fn` after every append. */
  onAppend(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** True while the spool is full; it clears once delivery brings it under 90 % of `maxBytes`. */
  get full(): boolean {
    return this.fullFlag || this.used + this.reserved + this.held >= this.maxBytes;
  }

  /** Events held (not yet delivered to every sink) and their bytes. */
  get depth(): { events: number; bytes: number } {
    return { events: this.entries.length - this.head, bytes: this.used };
  }

  /** The sequence number the next event gets: sinks at this position are up to date. */
  get end(): number {
    return this.next;
  }

  position(sink: string): number {
    return this.positions.get(sink) ?? this.floor;
  }

  /** When the event at `seq` was recorded (ms since the epoch), or undefined past the end. */
  recordedAt(seq: number): number | undefined {
    if (seq < this.floor || seq >= this.next) return undefined;
    return this.entries[this.head + seq - this.floor]?.recordedAt;
  }

  /** Up to `max` events from `seq`, with their recording times. */
  read(seq: number, max: number): { events: AuditEvent[]; recordedAt: number[] } {
    const from = this.head + Math.max(seq, this.floor) - this.floor;
    const slice = this.entries.slice(from, Math.min(from + max, this.entries.length));
    return { events: slice.map((e) => JSON.parse(e.line) as AuditEvent), recordedAt: slice.map((e) => e.recordedAt) };
  }

  /**
   * Append one JSON line (ending in `\n`) durably; resolves with its sequence number after the
   * fsync. Rejects with AuditSpoolFullError when it does not fit.
   */
  append(line: string, hold?: SpoolHold): Promise<number> {
    // The held room is this line's: given back first, so the line fits in it.
    if (hold !== undefined) this.release(hold);
    if (this.closed) return Promise.reject(new AuditSpoolError(`audit spool ${this.dir} is closed`, { key: this.dir }));
    if (this.broken !== undefined) {
      return Promise.reject(
        new AuditSpoolError(
          `audit spool ${this.dir} cannot be written: ${this.broken.message}`,
          { key: this.dir },
          { cause: this.broken },
        ),
      );
    }
    const bytes = Buffer.byteLength(line);
    if (this.used + this.reserved + this.held + bytes > this.maxBytes) {
      if (!this.fullFlag) {
        this.fullFlag = true;
        this.logger.error(
          { spool: this.dir, bytes: this.used, maxBytes: this.maxBytes },
          'audit spool is full: new events are refused until the sinks catch up',
        );
      }
      return Promise.reject(
        new AuditSpoolFullError(
          `audit spool is full (${this.used + this.reserved + this.held} of ${this.maxBytes} bytes hold undelivered events); retry once the audit sinks catch up`,
          { key: this.dir },
        ),
      );
    }
    this.reserved += bytes;
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ line, bytes, resolve, reject });
      this.writing ??= this.pump().finally(() => {
        this.writing = undefined;
      });
    });
  }

  /**
   * Hold `bytes` of room for an event to be appended later (a job's completion, promised when
   * the job is accepted): counted as used until {@link append} is given the hold, or it is
   * released. Throws AuditSpoolFullError when the room is not there.
   */
  reserve(bytes: number): SpoolHold {
    if (this.used + this.reserved + this.held + bytes > this.maxBytes) {
      throw new AuditSpoolFullError(
        `audit spool is full (${this.used + this.reserved + this.held} of ${this.maxBytes} bytes hold undelivered events); retry once the audit sinks catch up`,
        { key: this.dir },
      );
    }
    this.held += bytes;
    return { bytes, released: false };
  }

  /** Give back a hold's room (once; later calls do nothing). */
  release(hold: SpoolHold): void {
    if (hold.released) return;
    hold.released = true;
    this.held -= hold.bytes;
  }

  /** Write what is pending, one write and one fsync per group, until nothing is pending. */
  private async pump(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      const data = group.map((p) => p.line).join('');
      const size = group.reduce((n, p) => n + p.bytes, 0);
      let seg: Segment | undefined;
      try {
        seg = await this.activeSegment();
        const buf = Buffer.from(data);
        for (let off = 0; off < buf.length; )
          off += (await this.active!.write(buf, off, buf.length - off)).bytesWritten;
        await this.active!.datasync();
      } catch (err) {
        this.reserved -= size;
        await this.undo(seg, err as Error);
        const failure = new AuditSpoolError(
          `audit spool ${this.dir}: write failed: ${(err as Error).message}`,
          { key: seg?.path ?? this.dir },
          { cause: err },
        );
        for (const p of group) p.reject(failure);
        continue;
      }
      this.reserved -= size;
      seg.size += size;
      const now = Date.now();
      for (const p of group) {
        this.entries.push({ line: p.line, bytes: p.bytes, recordedAt: now });
        this.used += p.bytes;
        seg.end++;
        p.resolve(this.next++);
      }
      for (const fn of this.listeners) fn();
    }
  }

  /** After a failed write, cut the segment back so no partial line sits before the next one. */
  private async undo(seg: Segment | undefined, cause: Error): Promise<void> {
    if (seg === undefined || this.active === undefined) return;
    try {
      await this.active.truncate(seg.size);
    } catch (err) {
      this.broken = new Error(`${cause.message}; cutting ${seg.path} back also failed: ${(err as Error).message}`);
      this.logger.error({ file: seg.path, err: this.broken.message }, 'audit spool cannot be written any more');
    }
  }

  private async activeSegment(): Promise<Segment> {
    const last = this.segments.at(-1);
    if (this.active !== undefined && last !== undefined && last.size < this.segmentBytes) return last;
    if (this.active === undefined && last !== undefined && last.size < this.segmentBytes) {
      this.active = await open(last.path, 'a');
      return last;
    }
    await this.active?.close();
    this.active = undefined;
    const seg: Segment = { base: this.next, path: join(this.dir, segmentName(this.next)), size: 0, end: this.next };
    this.active = await open(seg.path, 'ax');
    this.segments.push(seg);
    await syncDir(this.dir);
    return seg;
  }

  /** Record that `sink` delivered everything before `seq`. */
  advance(sink: string, seq: number): void {
    if (seq <= this.position(sink)) return;
    this.positions.set(sink, Math.min(seq, this.next));
    this.advanceFloor();
    void this.saveOffsets().catch((err: unknown) => {
      // The positions stay in memory and the next save retries; a crash before it means repeats, not loss.
      this.logger.error({ spool: this.dir, err: (err as Error).message }, 'audit spool: saving sink positions failed');
    });
  }

  private advanceFloor(): void {
    const floor = Math.min(...this.positions.values());
    if (!Number.isFinite(floor) || floor <= this.floor) return;
    const drop = floor - this.floor;
    for (let i = this.head; i < this.head + drop; i++) this.used -= this.entries[i].bytes;
    this.head += drop;
    this.floor = floor;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.fullFlag && this.used + this.reserved + this.held <= 0.9 * this.maxBytes) {
      this.fullFlag = false;
      this.logger.info({ spool: this.dir, bytes: this.used }, 'audit spool has room again');
    }
  }

  /** Write the positions (coalesced: one write at a time, the last state wins), then compact. */
  saveOffsets(): Promise<void> {
    this.dirty = true;
    this.saving ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          const state = { version: 1, floor: this.floor, sinks: Object.fromEntries(this.positions) };
          await writeDurable(join(this.dir, OFFSETS), `${JSON.stringify(state)}\n`);
          await this.compact(state.floor);
        }
      } finally {
        this.saving = undefined;
      }
    })();
    return this.saving;
  }

  /** Delete segments every sink has passed (never the one being appended to). */
  private async compact(floor: number): Promise<void> {
    while (this.segments.length > 1 && this.segments[0].end <= floor) {
      const seg = this.segments.shift()!;
      await rm(seg.path, { force: true });
    }
  }

  /** Resolve once the appends in progress are written (or failed). */
  async settled(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  /** Wait for pending appends and position saves, then release the files. Appends reject after. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.settled();
    await this.saveOffsets().catch((err: unknown) => {
      this.logger.error(
        { spool: this.dir, err: (err as Error).message },
        'audit spool: saving sink positions failed; undelivered events will be sent again',
      );
    });
    await this.active?.close();
    this.active = undefined;
    this.unlock();
  }
}
