// The spool's lock is the owner's PID with its start time and boot (issue 21, item 6): a live
// owner is refused; an owner SIGKILLed but not yet reaped (a zombie), or a live process that
// merely reuses the PID, does not block a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createAuditor } from '../dist/audit/index.js';
import { tempDir } from './support/tmp.js';

const AUDIT = pathToFileURL(new URL('../dist/audit/index.js', import.meta.url).pathname).href;
const quiet = { info() {}, warn() {}, error() {} };
const sink = { name: 'null', async send() {} };
const open = (spoolDir: string) => createAuditor({ sinks: [sink], spoolDir, logger: quiet });
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

// A node process that opens the spool in `dir`, prints "ready", then waits.
const holder = (dir: string) =>
  `import(${JSON.stringify(AUDIT)}).then(async (a) => { await a.createAuditor({ sinks: [{ name: 'null', async send() {} }], spoolDir: ${JSON.stringify(dir)}, logger: { info() {}, warn() {}, error() {} } }); console.log('ready'); setInterval(() => {}, 1000); })`;

function lines(child: ChildProcess): () => string {
  let out = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  return () => out;
}
const until = async (test: () => boolean) => {
  while (!test()) await new Promise((r) => setTimeout(r, 25));
};
const state = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
};

it('refuses a spool a live process holds, naming it', async () => {
  const dir = tempDir('fd-lock-live-');
  const child = spawn(process.execPath, ['--input-type=module', '-e', holder(dir)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const out = lines(child);
  await until(() => out().includes('ready'));
  await expect(open(dir)).rejects.toThrow(`is in use by process ${child.pid}`);
});

it('takes over from an owner SIGKILLed and not yet reaped (a zombie)', async () => {
  const dir = tempDir('fd-lock-zombie-');
  // sh starts the owner in the background, prints its PID, then becomes `sleep`, which never
  // reaps it: once killed, the owner stays a zombie.
  const script = `${JSON.stringify(process.execPath)} --input-type=module -e ${shellQuote(holder(dir))} & echo pid $!; exec sleep 60`;
  const parent = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(parent);
  const out = lines(parent);
  await until(() => out().includes('ready'));
  const pid = Number(/pid (\d+)/.exec(out())![1]);
  process.kill(pid, 'SIGKILL');
  await until(() => state(pid) === 'Z');
  const auditor = await open(dir);
  await auditor.close(100);
});

it('takes over from a lock naming a live PID with another start time (a reused PID)', async () => {
  const dir = tempDir('fd-lock-reused-');
  await (await open(dir)).close(100);
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(other);
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  writeFileSync(join(dir, 'lock'), `${other.pid} 1 ${boot}`);
  const auditor = await open(dir);
  expect(readFileSync(join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+ ${boot}$`));
  await auditor.close(100);
  // From another boot, even the same PID and start time are not the same process.
  writeFileSync(join(dir, 'lock'), `${other.pid} ${startOf(other.pid!)} not-this-boot`);
  await (await open(dir)).close(100);
});

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
