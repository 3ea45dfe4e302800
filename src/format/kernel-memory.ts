/**
 * The WebAssembly kernel's memory, charged to the run's memory budget (`maxMemory`).
 *
 * A kernel's linear memory grows with what it is handed (a run merge copies the whole run table
 * in: 57-64 MB a worker at 800 k rows) and never shrinks. Every growth goes through here: the C
 * side's bump allocator imports {@link KernelMemory.grow} instead of growing memory itself, so
 * one place counts it, and only when memory must grow: 55 calls in a whole run of 823 k rows on 2
 * workers (24 at 21 k rows), each instance's start included; never per row.
 *
 * The memory a kernel takes to start (its instance and its first object's table at the starting
 * size) is not charged: like the worker's own heap it is fixed per worker, and charging it would
 * raise the least `maxMemory` a run can use (engine/memory-floor.ts). Everything past it is.
 */
import { chargeBudget, type MemoryBudget } from '../table/table.js';

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

  /** Grow `memory` (the instance's, once it exists); what it holds now is never charged. */
  attach(memory: GrowableMemory): void {
    this.memory = memory;
    this.startsHere();
  }

  /** What the memory holds now is the kernel's start: never charged (call before any charge). */
  startsHere(): void {
    this.base = this.memory?.buffer.byteLength ?? 0;
  }

  /** Bytes of growth past the start. */
  get grown(): number {
    return Math.max(0, (this.memory?.buffer.byteLength ?? 0) - this.base);
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
    const bytes = pages * WASM_PAGE;
    if (this.owner !== null) {
      chargeBudget(this.owner, bytes, WHERE);
      this.charged += bytes;
    }
    try {
      return this.memory!.grow(pages);
    } catch {
      // The engine refused (memory.grow's RangeError): nothing grew, so nothing stays charged.
      this.uncharge(bytes);
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
