/**
 * A private redis-server (Debian's package; `.ci/run` installs it when missing) on a free
 * loopback port, with no persistence, stopped after the test file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisHandle {
  url: string;
  port: number;
  /** Run a redis-cli command against it. */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Start one; with `password`, it requires it and `url` carries it (`redis://:PASSWORD@...`). */
export async function startRedis(options: { password?: string } = {}): Promise<RedisHandle> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: apt-get install redis-server (bash .ci/run does this)');
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...(options.password ? ['--requirepass', options.password] : []),
    ],
    { stdio: 'ignore' },
  );
  const cli = (...args: string[]) =>
    spawnSync(
      'redis-cli',
      ['-p', String(port), ...(options.password ? ['-a', options.password, '--no-auth-warning'] : []), ...args],
      { encoding: 'utf8' },
    ).stdout.trim();
  for (let i = 0; i < 100 && cli('ping') !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
  if (cli('ping') !== 'PONG') {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port}`);
  }
  return {
    url: `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    port,
    cli,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
