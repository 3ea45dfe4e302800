// createService is a ServiceAssembly: its options are checked before anything is built, against
// the bounds serve's flags use (one schema, service/settings.ts), and its steps run one at a time.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { ConfigError, InvalidOptionError } from '../dist/errors.js';
import { resolveServeConfig, SERVE_OPTIONS } from '../dist/service/index.js';
import { resolveLimits, ServiceAssembly } from '../dist/service/service.js';
import { flagOf } from '../dist/util/option-schema.js';
import { memoryLogger } from './support/service.js';
import { tempDir } from './support/tmp.js';

const store = tempDir('flowdigest-assembly-');
// The settings createService also takes, by their library names (the flags set them).
const SHARED = [
  'jobs',
  'maxQueued',
  'progressTimeout',
  'maxWindow',
  'requestTimeout',
  'deliveryLag',
  'retention',
] as const;

function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (err) {
    if (err instanceof InvalidOptionError || err instanceof ConfigError) return err.reason;
    throw err;
  }
}

it('serve --FLAG N and createService({ KEY: N }) accept the same values, for the same reason', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...SHARED),
      fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 20 * 86_400_000 })),
      (key, n) => {
        const flag = flagOf(key, SERVE_OPTIONS[key])!;
        const fromFlag = outcome(() => resolveServeConfig({ [flag]: String(n), store }, {}));
        const fromLibrary = outcome(() => resolveLimits({ [key]: n }));
        expect(fromFlag).toBe(fromLibrary);
      },
    ),
    { numRuns: 400 },
  );
  // The disagreement that started this: --jobs was capped at 64 and createService was not.
  expect(outcome(() => resolveLimits({ jobs: 65 }))).toBe('must be an integer from 1 to 64');
});

it('checks every option in the constructor, before a pool or listener exists', () => {
  expect(() => new ServiceAssembly({ jobs: 0, store })).toThrow(
    expect.objectContaining({ option: 'options.jobs', reason: 'must be an integer from 1 to 64' }),
  );
  expect(() => new ServiceAssembly({ topic: 'a/b', store })).toThrow(
    expect.objectContaining({ option: 'options.topic' }),
  );
});

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

it('builds step by step into a service that listens and closes', async () => {
  const lines: Record<string, unknown>[] = [];
  const assembly = new ServiceAssembly({ store, logger: memoryLogger(lines), digester: { threads: 1 } });
  expect(assembly.limits).toMatchObject({ concurrency: 1, maxQueued: 16, maxWindow: 7 * 86_400_000 });
  assembly.buildModules();
  assembly.buildMetrics();
  assembly.buildRunner();
  assembly.buildQueue();
  assembly.buildState();
  assembly.buildApp();
  assembly.startSweeps();
  const service = assembly.service();
  closers.push(() => service.close(0));
  const { url } = await service.listen(0, '127.0.0.1');
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toMatch(/^flowdigest_jobs_queued 0$/m);
  expect(metrics).toMatch(/^flowdigest_pool_threads 1$/m);
  await service.close(0);
  expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'stopping', 'stopped']));
});
