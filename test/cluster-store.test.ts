// The cluster's partial store: writes are atomic (no partial visible until whole), keys from
// job data cannot leave the store, and runs abandoned by their planner are swept.
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FsPartialStore } from '../dist/cluster/store.js';
import { tempDir } from './support/tmp.js';

it('puts atomically and gets back', async () => {
  const dir = tempDir();
  const store = new FsPartialStore(dir);
  await store.put('run1/a.fdp', [Buffer.from('ab'), Buffer.from('cd')]);
  expect((await store.get('run1/a.fdp')).toString()).toBe('abcd');
  expect(readdirSync(join(dir, 'run1'))).toEqual(['a.fdp']);
  await store.removeRun('run1');
  expect(existsSync(join(dir, 'run1'))).toBe(false);
});

it('refuses keys that would leave the store', async () => {
  const store = new FsPartialStore(tempDir());
  for (const key of ['../x.fdp', 'a/../../b', '/etc/passwd', 'run/sub/x.fdp', 'run/..']) {
    await expect(store.put(key, [Buffer.from('x')])).rejects.toThrow(/partial key/);
  }
  await expect(store.removeRun('../..')).rejects.toThrow(/run id/);
});

it('sweeps runs not written since the cut-off, and only those', async () => {
  const dir = tempDir();
  const store = new FsPartialStore(dir);
  for (const run of ['old', 'new']) {
    mkdirSync(join(dir, run));
    writeFileSync(join(dir, run, 'x.fdp.tmp-1-a'), 'x');
  }
  const past = new Date(Date.now() - 3 * 86400_000);
  utimesSync(join(dir, 'old', 'x.fdp.tmp-1-a'), past, past);
  utimesSync(join(dir, 'old'), past, past);
  expect(await store.sweep(new Date(Date.now() - 86400_000))).toBe(1);
  expect(readdirSync(dir)).toEqual(['new']);
});
