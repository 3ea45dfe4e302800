/**
 * Run a command under strace and read back its fsyncs and renames, with the path of each fd
 * (`strace -y`): the real system calls, to check what a write makes durable.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One traced call: `fsync`/`fdatasync` of `path`, or `rename` of `path` to `to`. */
export interface FileOp {
  op: 'fsync' | 'fdatasync' | 'rename';
  path: string;
  to?: string;
}

/** Run `cmd args` traced; the trace goes to `dir/strace.txt`. */
export function traceFileOps(
  dir: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string; ops: FileOp[] } {
  const out = join(dir, `strace-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(
    'strace',
    ['-f', '-qq', '-y', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', '-o', out, cmd, ...args],
    { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 },
  );
  const ops: FileOp[] = [];
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    let m = /\b(fsync|fdatasync)\(\d+<([^>]*)>\)\s+=\s+0/.exec(line);
    if (m) {
      ops.push({ op: m[1] as 'fsync' | 'fdatasync', path: m[2]! });
      continue;
    }
    m = /\brename(?:at2?)?\((?:[^,]*<([^>]*)>, )?"([^"]*)", (?:[^,]*<([^>]*)>, )?"([^"]*)"(?:, [^)]*)?\)\s+=\s+0/.exec(
      line,
    );
    if (m) {
      const abs = (base: string | undefined, p: string) =>
        p.startsWith('/') || base === undefined ? p : join(base, p);
      ops.push({ op: 'rename', path: abs(m[1], m[2]!), to: abs(m[3], m[4]!) });
    }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ops };
}

/**
 * What went wrong with the durable replacement of `final`, or '' when it was durable: a
 * rename onto it, the renamed file fsynced before, its directory fsynced after.
 */
export function durableReplaceProblem(ops: readonly FileOp[], final: string): string {
  const i = ops.findIndex((o) => o.op === 'rename' && o.to === final);
  if (i < 0) return `no rename onto ${final}`;
  const tmp = ops[i]!.path;
  if (dirname(tmp) !== dirname(final)) return `renamed from another directory: ${tmp}`;
  // An fsync, not an fdatasync: a long write's background flushes (util/durable.ts) are fdatasyncs,
  // and do not stand for the final fsync.
  if (!ops.slice(0, i).some((o) => o.op === 'fsync' && o.path === tmp)) return `${tmp} not fsynced before the rename`;
  if (!ops.slice(i + 1).some((o) => o.op !== 'rename' && o.path === dirname(final)))
    return `directory ${dirname(final)} not fsynced after the rename`;
  return '';
}

/** Whether `dir` was fsynced. */
export function dirSynced(ops: readonly FileOp[], dir: string): boolean {
  return ops.some((o) => o.op !== 'rename' && o.path === dir);
}
