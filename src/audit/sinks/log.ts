/**
 * The log sink: one JSON line per event, appended to a file (fsynced per batch, so a batch
 * counted as delivered survives a crash) or written to stdout (`-`).
 */
import type { FileHandle } from 'node:fs/promises';
import { ensureDir, openAppend } from '../../util/durable.js';
import { dirname } from 'node:path';
import { InvalidOptionError } from '../../errors.js';
import type { AuditSink } from '../types.js';

/** Options of {@link logSink}. */
export interface LogSinkOptions {
  /** A file to append to (created with its directory), or `-` for stdout. */
  path: string;
  /** The sink's name in logs, metrics and the spool's positions. @default `log` */
  name?: string;
}

/** A sink that writes JSON lines to `options.path` or stdout. */
export function logSink(options: LogSinkOptions): AuditSink {
  if (
    options === null ||
    typeof options !== 'object' ||
    typeof options.path !== 'string' ||
    options.path === '' ||
    options.path.includes('\0')
  ) {
    throw new InvalidOptionError('log.path', "must be a file path or '-' for stdout");
  }
  if (options.name !== undefined && typeof options.name !== 'string')
    throw new InvalidOptionError('log.name', 'must be a string');
  const { path } = options;
  let file: Promise<FileHandle> | undefined;
  return {
    name: options.name ?? 'log',
    async send(events) {
      const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
      if (path === '-') {
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
        );
        return;
      }
      file ??= ensureDir(dirname(path)).then(() => openAppend(path));
      // A failed open is retried on the next batch rather than cached.
      const fh = await file.catch((err: unknown) => {
        file = undefined;
        throw err;
      });
      await fh.writeFile(text);
      await fh.datasync();
    },
    async close() {
      const f = file;
      file = undefined;
      if (f !== undefined) await (await f.catch(() => undefined))?.close();
    },
  };
}
