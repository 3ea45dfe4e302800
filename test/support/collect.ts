/** Helpers for collection tests: read back what a destination directory holds. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every file under `dir`, as relative `/`-separated paths, sorted. */
export function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The NDJSON lines of every `.ndjson.gz` object under `dir`. */
export function readLines(dir: string): string[] {
  return listFiles(dir)
    .filter((f) => f.endsWith('.ndjson.gz'))
    .flatMap((f) =>
      gunzipSync(readFileSync(join(dir, f)))
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
}

/** A log sink collecting parsed JSON lines. */
export function logSink(): {
  lines: Record<string, unknown>[];
  log: (line: Record<string, unknown>) => void;
  text: () => string;
} {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    log: (l) => {
      lines.push(l);
    },
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
