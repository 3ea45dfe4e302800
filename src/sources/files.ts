/**
 * Local files and directories. Directories are walked recursively (in sorted order, so runs are
 * repeatable) for `*.log.gz`, `*.log` and `*.gz`; a file named explicitly is read whatever its name.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parseFlowLogKey } from './aws-key.js';
import type { ListContext, ObjectRef, ObjectSource } from './source.js';

const LOG_FILE = /\.(log\.gz|log|gz)$/;

export class FileSource implements ObjectSource {
  readonly description: string;

  constructor(private readonly path: string) {
    this.description = path;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    const st = await statInput(this.path);
    if (st.isFile()) {
      yield this.ref(this.path, st.size);
      return;
    }
    if (!st.isDirectory()) throw new InputError(`${this.path}: not a file or directory`, { key: this.path });
    yield* this.walk(this.path, ctx);
  }

  private async *walk(dir: string, ctx: ListContext): AsyncIterable<ObjectRef> {
    ctx.signal.throwIfAborted();
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path, ctx);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (!LOG_FILE.test(entry.name)) { ctx.skip(path, 'not_log_file'); continue; }
        const st = await stat(path);
        if (st.size === 0) { ctx.skip(path, 'empty'); continue; }
        yield this.ref(path, st.size);
      }
    }
  }

  private ref(path: string, size: number): ObjectRef {
    const ref: ObjectRef = { key: path, size };
    const parsed = parseFlowLogKey(path);
    if (!('rejected' in parsed)) {
      ref.account = parsed.account;
      ref.region = parsed.region;
      ref.timestamp = parsed.timestamp;
    }
    return ref;
  }

  async read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array> {
    try {
      return await readFile(ref.key, { signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new InputError(`${ref.key}: cannot read: ${(err as Error).message}`, { key: ref.key }, { cause: err });
    }
  }
}

async function statInput(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`${path}: ${why}`, { key: path }, { cause: err });
  }
}
