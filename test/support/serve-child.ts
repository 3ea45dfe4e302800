/** `flowdigest serve` as a child process: started on port 0, its JSON log lines collected. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI } from './run-cli.js';

export interface ServeChild {
  child: ChildProcess;
  url: string;
  /** Parsed JSON log lines so far. */
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line matching `test`. */
  waitFor(test: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export async function startServe(args: string[], env: Record<string, string | undefined> = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { test: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] =
    [];
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: 'non-json', text };
    }
    lines.push(line);
    for (const w of [...waiters])
      if (w.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (test: (l: Record<string, unknown>) => boolean, timeoutMs = 20_000) => {
    const seen = lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${err}`)),
        timeoutMs,
      );
      waiters.push({
        test,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code ?? signal}) first: ${err}`));
      });
    });
  };
  // A child that never says it listens is killed here, so a failed start leaves no process behind.
  const listening = await waitFor((l) => l.msg === 'listening').catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return { child, url: String(listening.url), lines, stderr: () => err, exited, waitFor };
}
