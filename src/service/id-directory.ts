/** A local directory of per-digest files named `{id}{suffix}`, created on first write. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { assertId } from './storage/names.js';

export class IdDirectory {
  /** The directory, absolute. */
  readonly path: string;
  private ready: Promise<unknown> | undefined;

  constructor(dir: string) {
    this.path = resolve(dir);
  }

  /** The file for digest `id` (validated, so no ID can name a path outside the directory). */
  file(id: string, suffix: string): string {
    return join(this.path, `${assertId(id)}${suffix}`);
  }

  /** Create the directory once, however many writers ask. */
  async ensure(): Promise<void> {
    this.ready ??= mkdir(this.path, { recursive: true });
    await this.ready;
  }
}
