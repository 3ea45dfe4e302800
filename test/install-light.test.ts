// `npm i flowdigest` installs what the engine, the sources and the graphs need, and nothing of the
// service, the cluster or the collectors (optional peer dependencies): the packed tarball, installed
// into an empty project, has none of them, `npx flowdigest digest` works from it, and `serve` says
// what to install. Tests the package as it ships (dist/, which `npm test` builds first).
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { tempDir } from './support/tmp.js';

const run = promisify(execFile);

/**
 * `cmd args` in a process group of its own, as `run` resolves and rejects (stdout and stderr; a
 * failure's `code`), killed whole after `timeoutMs`. For `npx flowdigest serve`: should `serve`
 * start a server after all (its packages resolvable from an ancestor of the project), killing npx
 * alone would leave the server running after the test.
 */
function runGroup(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  timeoutMs = 20_000,
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(Object.assign(new Error(`${cmd} ${args.join(' ')}: still running after ${timeoutMs} ms`), { stderr }));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(Object.assign(new Error(`${cmd} exited ${code}`), { code, stdout, stderr }));
    });
  });
}
const ROOT = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
};
const OPTIONAL = Object.keys(manifest.peerDependencies);
const dir = tempDir('flowdigest-install-');
const project = join(dir, 'project');

// npm's own variables from an enclosing `npm test` (prefix, workspace, ...) must not leak into the
// nested npm that installs into the empty project.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name)),
);
if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;

/** Every package name under node_modules, nested ones included. */
function installedNames(nodeModules: string, into = new Set<string>()): Set<string> {
  if (!existsSync(nodeModules)) return into;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? readdirSync(join(nodeModules, entry)).map((sub) => `${entry}/${sub}`)
      : [entry];
    for (const name of names) {
      if (!existsSync(join(nodeModules, name, 'package.json'))) continue;
      into.add(name);
      installedNames(join(nodeModules, name, 'node_modules'), into);
    }
  }
  return into;
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist/cli/main.js')), 'dist/ is built (npm run build)').toBe(true);
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    env,
  });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  await run('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}\n');
  const install = ['i', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, filename)];
  // From npm's cache when it holds everything (after `npm ci` it does); the registry otherwise.
  await run('npm', [...install, '--offline'], { cwd: project, env }).catch(() =>
    run('npm', [...install, '--prefer-offline'], { cwd: project, env }),
  );
}, 300_000);

it('declares the service, cluster and collect packages as optional peers, and installs none of them', () => {
  expect(OPTIONAL.length).toBeGreaterThan(0);
  for (const name of OPTIONAL) {
    expect(manifest.peerDependenciesMeta[name]?.optional, name).toBe(true);
    expect(manifest.dependencies[name], name).toBeUndefined();
  }
  const names = installedNames(join(project, 'node_modules'));
  expect(names.has('flowdigest')).toBe(true);
  for (const dep of Object.keys(manifest.dependencies)) expect(names.has(dep), dep).toBe(true);
  expect(OPTIONAL.filter((name) => names.has(name))).toEqual([]);
  expect(names.has('split2')).toBe(false);
});

it('digests the bundled sample with `npx flowdigest digest`', async () => {
  const out = join(dir, 'sample.log');
  const r = await run('npx', ['--no', 'flowdigest', 'digest', 'node_modules/flowdigest/fixtures/sample', '-o', out], {
    cwd: project,
    env,
  });
  expect(r.stderr).toContain('7 objects');
  expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(ROOT, 'fixtures/golden/sample.digest.log'), 'utf8'));
});

it('draws a graph from it (the graph packages are not optional)', async () => {
  const out = join(dir, 'top.svg');
  await run(
    'npx',
    [
      '--no',
      'flowdigest',
      'digest',
      'node_modules/flowdigest/fixtures/sample',
      '-q',
      '-o',
      join(dir, 'd.ndjson'),
      '-f',
      'ndjson',
    ],
    { cwd: project, env },
  );
  await run('npx', ['--no', 'flowdigest', 'dot', join(dir, 'd.ndjson'), '--top', '5', '-q', '-o', out], {
    cwd: project,
    env,
  });
  expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml|<svg/);
});

it('`flowdigest serve` without its packages names them and the npm line, exit 1', async () => {
  // A node_modules in an ancestor of the project (say /tmp/node_modules) would lend it fastify.
  const lent = (() => {
    try {
      return createRequire(join(project, 'package.json')).resolve('fastify');
    } catch {
      return null;
    }
  })();
  expect(lent, `fastify resolves from ${project} through an ancestor directory: remove that node_modules`).toBeNull();
  const failed = await runGroup('npx', ['--no', 'flowdigest', 'serve'], { cwd: project, env }).then(
    () => null,
    (err: { code: number; stderr: string }) => err,
  );
  expect(failed?.code).toBe(1);
  expect(failed?.stderr).toContain('[FD_ERR_DEPENDENCY]');
  expect(failed?.stderr).toContain(`fastify@${manifest.peerDependencies.fastify}`);
});

it('`flowdigest serve --help` still teaches without them, and says what to install', async () => {
  const r = await run('npx', ['--no', 'flowdigest', 'serve', '--help'], { cwd: project, env });
  expect(r.stdout).toMatch(/^flowdigest serve - /);
  expect(r.stdout).toContain(`Not installed here: flowdigest serve needs fastify`);
});

// Last: it installs the service's packages into the project. A service without Redis must not
// need bullmq or ioredis (they are the cluster's); `serve --redis` names them.
it('`flowdigest serve` runs with the service packages alone; `serve --redis` asks for bullmq and ioredis', async () => {
  const service = ['fastify', '@fastify/swagger', 'pino', 'prom-client'].map(
    (name) => `${name}@${manifest.peerDependencies[name]}`,
  );
  const install = ['i', '--no-audit', '--no-fund', '--ignore-scripts', ...service];
  await run('npm', [...install, '--offline'], { cwd: project, env }).catch(() =>
    run('npm', [...install, '--prefer-offline'], { cwd: project, env }),
  );
  const names = installedNames(join(project, 'node_modules'));
  expect(names.has('bullmq') || names.has('ioredis')).toBe(false);

  const served = await serveUntilListening(project);
  expect(served.listening).toMatchObject({ msg: 'listening', queue: 'in-process queue' });
  expect(served.code).toBe(0);

  const failed = await runGroup('npx', ['--no', 'flowdigest', 'serve', '--redis', 'redis://127.0.0.1:1'], {
    cwd: project,
    env,
  }).then(
    () => null,
    (err: { code: number; stderr: string }) => err,
  );
  expect(failed?.code).toBe(1);
  expect(failed?.stderr).toContain('[FD_ERR_DEPENDENCY]');
  expect(failed?.stderr).toContain(`bullmq@${manifest.peerDependencies.bullmq}`);
  expect(failed?.stderr).toContain(`ioredis@${manifest.peerDependencies.ioredis}`);
}, 120_000);

/** Start `flowdigest serve` on a free port in `cwd`, wait for its "listening" line, stop it with SIGTERM. */
function serveUntilListening(cwd: string): Promise<{ listening: Record<string, unknown>; code: number | null }> {
  const child = spawn(
    process.execPath,
    [join(cwd, 'node_modules/flowdigest/dist/cli/main.js'), 'serve', '--port', '0'],
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    let listening: Record<string, unknown> | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'listening' && listening === undefined) {
        listening = entry;
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      listening === undefined
        ? reject(new Error(`serve exited ${code} before listening: ${stderr}`))
        : resolve({ listening, code }),
    );
  });
}
