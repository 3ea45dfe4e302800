/**
 * The WebAssembly kernel's memory, charged to the run's memory budget (`maxMemory`).
 *
 * A kernel's linear memory grows with what it is handed (a run merge copies the whole run table
 * in: 57-64 MB a worker at 800 k rows) and never shrinks. Every growth goes through here: the C
 * side's bump allocator imports {@link KernelMemory.grow} instead of growing memory itself, so
 * one place counts it, and only when memory must grow: 55 calls in a whole run of 823 k rows on 2
 * workers (25 at 21 k rows), each instance's start included; never per row.
 *
 * The memory a kernel takes to start (its instance, and {@link KERNEL_START_BYTES} of growth:
 * what a small digest takes) is not charged: like the worker's own heap it is fixed per worker,
 * and charging it would raise the least `maxMemory` a run can use (engine/memory-floor.ts) or
 * fail small digests at it that pass today. Everything past it is.
 */
import { chargeBudget, type MemoryBudget } from '../table/table.js';

/**
 * Growth of a kernel that is never charged: what a digest whose run tables stay at their starting
 * size (RUN_TABLE_START), the most the least `maxMemory` holds (engine/memory-floor.ts), takes of
 * it: its scan table, the sort's fixed prefix tables (1.8 MB from 64 entries), a merge into a run
 * table at its start. Measured with one worker at that least limit: 6 MiB digests an object of
 * 16,383 distinct rows, as many as before the kernel was charged (4 MiB: 10,588; 5 MiB: 15,172).
 */
export const KERNEL_START_BYTES = 6 << 20;

/** Bytes of a WebAssembly page. */
const WASM_PAGE = 65536;

/** The little of a WebAssembly.Memory this uses. */
export interface GrowableMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** What the budget is told when the kernel outgrows it. */
const WHERE = () => "in a worker's WebAssembly kernel (its working copy of a table)";

export class KernelMemory {
  private memory: GrowableMemory | null = null;
  /** Bytes of memory that are never charged: the kernel's start. */
  private base = 0;
  /** The budget charged now (that of the run whose task uses the kernel), and how much. */
  private owner: MemoryBudget | null = null;
  private charged = 0;

  /**
   * Count `memory` (a new instance's): what it holds now and {@link KERNEL_START_BYTES} more
   * are never charged.
   */
  attach(memory: GrowableMemory): void {
    this.memory = memory;
    this.base = memory.buffer.byteLength + KERNEL_START_BYTES;
  }

  /** Bytes of growth past the start (what is charged while a run uses the kernel). */
  get grown(): number {
    return this.grownTo(this.memory?.buffer.byteLength ?? 0);
  }

  private grownTo(bytes: number): number {
    return Math.max(0, bytes - this.base);
  }

  /**
   * The kernel now serves a task of the run whose budget is `budget`: every byte it grew
   * (also under another run, or under none) is charged to that budget from here on, released
   * from the one charged before. Throws MemoryLimitError, charging nothing, when it does not fit
   * (a fresh kernel holds none: the caller may start one).
   */
  chargeTo(budget: MemoryBudget): void {
    if (budget !== this.owner) this.release();
    const owed = this.grown - this.charged;
    if (owed !== 0) chargeBudget(budget, owed, WHERE);
    this.owner = budget;
    this.charged += owed;
  }

  /**
   * memory.grow for the kernel (its import `grow_memory`): charged to the budget first. Throws
   * MemoryLimitError when the budget refuses, which ends the kernel call that needed the memory.
   * A refusal fails the digest instead of falling back to JavaScript (as the kernel does when
   * memory itself cannot grow): the limit is on the tables and kernels together, and a run that
   * passes it is told so, the same whichever of them crossed it; a fallback would also make the
   * run's speed depend on a limit that says nothing about speed.
   */
  grow(pages: number): number {
    const memory = this.memory!;
    // What the growth adds past the uncharged start (charged is all of it before, once owned).
    const due = this.owner === null ? 0 : this.grownTo(memory.buffer.byteLength + pages * WASM_PAGE) - this.charged;
    if (due > 0) {
      chargeBudget(this.owner!, due, WHERE);
      this.charged += due;
    }
    try {
      return memory.grow(pages);
    } catch {
      // The engine refused (memory.grow's RangeError): nothing grew, so nothing stays charged.
      if (due > 0) this.uncharge(due);
      return -1;
    }
  }

  /** Give back every byte charged (the kernel is dropped, or serves another run). */
  release(): void {
    this.uncharge(this.charged);
    this.owner = null;
  }

  private uncharge(bytes: number): void {
    if (this.owner === null || bytes === 0) return;
    chargeBudget(this.owner, -bytes, WHERE);
    this.charged -= bytes;
  }
}
