/**
 * Optional peer dependencies: the packages only the service, the cluster and two collectors need.
 * `npm i flowdigest` leaves them out, so whatever needs them checks first and, when one is missing,
 * fails with a {@link MissingDependencyError} that gives the `npm i` line, rather than Node's
 * "Cannot find package" from deep inside an import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingDependencyError } from '../errors.js';

/** What each part needs beyond the engine's own dependencies (package.json's optional peers). */
export const OPTIONAL_PACKAGES = {
  /** `flowdigest serve`, `flowdigest/service`; on Redis (`--redis`) they need the cluster's packages too. */
  service: ['fastify', '@fastify/swagger', 'pino', 'prom-client'],
  /** `flowdigest/audit` (its metrics). */
  audit: ['prom-client'],
  /** `flowdigest work`, `digest --redis`, `flowdigest/cluster`, `serve --redis`. */
  cluster: ['bullmq', 'ioredis'],
  /** `gcsDestination` of `flowdigest/collect`. */
  gcs: ['@google-cloud/storage'],
  /** `falconDataReplicator` of `flowdigest/collect`. */
  fdr: ['@aws-sdk/client-sqs'],
} as const satisfies Record<string, readonly string[]>;

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Throw a {@link MissingDependencyError} naming every package of `packages` that cannot be found
 * from `from` (default: this package), for `feature` (e.g. `'flowdigest serve'`).
 */
export function requireOptional(feature: string, packages: readonly string[], from = HERE): void {
  const missing = packages.filter((name) => !installed(name, from));
  if (missing.length > 0) throw new MissingDependencyError(feature, missing, installLine(missing));
}

/**
 * Whether `name` resolves from `from` the way Node resolves a bare specifier: a
 * `node_modules/<name>` in `from` or any directory above it. (Not `require.resolve`: a package's
 * `exports` may hide both its `package.json` and a CommonJS entry.)
 */
export function installed(name: string, from: string): boolean {
  for (let dir = from; ; ) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    const up = dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}

/** `npm i a@range b@range`, with the ranges this version of flowdigest declares. */
function installLine(names: readonly string[]): string {
  let peers: Record<string, string> = {};
  try {
    // src/util and dist/util both sit two levels below the package root.
    const manifest = JSON.parse(readFileSync(join(HERE, '..', '..', 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
    };
    peers = manifest.peerDependencies ?? {};
  } catch {
    // Without the manifest the names alone still say what to install.
  }
  return `npm i ${names.map((name) => (peers[name] ? `${name}@${quote(peers[name])}` : name)).join(' ')}`;
}

function quote(range: string): string {
  return /^[\w.^~=<>-]+$/.test(range) && !/[<>]/.test(range) ? range : `'${range}'`;
}
