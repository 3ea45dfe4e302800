/**
 * The spool directory's lock: a file holding the owner's PID, its start time and the boot it
 * started in (`PID STARTTIME BOOT_ID`, from /proc/PID/stat field 22 and
 * /proc/sys/kernel/random/boot_id). A holder counts as alive only if a process with that PID
 * runs now, is not a zombie, started at that time and in this boot: so a SIGKILLed owner not
 * yet reaped, or an unrelated process that reuses its PID (after a reboot, or on a busy host),
 * does not block a restart. It is not an advisory lock (Node has no flock): two processes
 * starting in the same instant could both take a stale lock; the file is re-read after the
 * write, which narrows that to a race of microseconds. Without /proc (not Linux), only the PID
 * is checked, as before.
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** This process's identity as the lock file records it. */
export function selfIdentity(): string {
  return identityOf(process.pid) ?? String(process.pid);
}

/** `PID STARTTIME BOOT_ID` of a running, non-zombie process; undefined when none (or no /proc). */
function identityOf(pid: number): string | undefined {
  const stat = procStat(pid);
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return undefined;
  return `${pid} ${stat.start} ${bootId()}`;
}

function procStat(pid: number): { state: string; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: fields restart after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  return { state: rest[0] ?? '', start: rest[19] ?? '' };
}

let boot: string | undefined;
function bootId(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = '-';
    }
  }
  return boot;
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Whether the process a lock file names (its content) still holds it. */
export function holderAlive(content: string): boolean {
  const [pidText, start, bootText] = content.trim().split(' ');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  if (hasProc) {
    // A lock from before this format (a bare PID) is judged by the PID alone, as it was written.
    if (start === undefined) return procStat(pid) !== undefined && !['Z', 'X'].includes(procStat(pid)!.state);
    return identityOf(pid) === `${pid} ${start} ${bootText}`;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the lock file `name` in `dir` for this process, unless a live holder has it: then
 * resolve with that holder's PID. Resolves undefined once taken.
 */
export function takeLock(dir: string, name: string): number | undefined {
  const path = join(dir, name);
  let content = '';
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    /* no lock yet */
  }
  if (content.trim() !== '' && holderAlive(content)) return Number.parseInt(content, 10);
  const mine = selfIdentity();
  // Written beside it and renamed over it: a reader sees the old holder or the new one, whole.
  // Named like every temporary file, so a crash between the write and the rename leaves one the
  // spool's start-up sweep removes.
  const tmp = join(dir, `.tmp-${name}.${process.pid}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, mine);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const now = readFileSync(path, 'utf8');
  if (now !== mine && holderAlive(now)) return Number.parseInt(now, 10);
  return undefined;
}
