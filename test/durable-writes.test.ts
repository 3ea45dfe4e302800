// Every file flowdigest replaces is written durably (temp, fsync, rename, directory fsync), and
// every file it creates to append to has its directory fsynced: checked on the real system
// calls under strace, for each writer (issue 21, item 7).
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeDurable } from '../dist/util/durable.js';
import { CLI } from './support/run-cli.js';
import { dirSynced, durableReplaceProblem, traceFileOps } from './support/strace.js';
import { tempDir } from './support/tmp.js';

const SAMPLE = new URL('../fixtures/sample/edge-cases.log', import.meta.url).pathname;
const dist = (p: string) => pathToFileURL(new URL(`../dist/${p}`, import.meta.url).pathname).href;
const root = realpathSync(tempDir('fd-durable-'));

/** Run an ES module snippet under strace. */
function traceScript(code: string) {
  const r = traceFileOps(root, process.execPath, ['--input-type=module', '-e', code]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.ops;
}

describe('durable writes', () => {
  it('digest -o fsyncs the file and the directory; --no-fsync skips both', () => {
    const dir = join(root, 'cli');
    mkdirSync(dir);
    const out = join(dir, 'out.log');
    const r = traceFileOps(root, process.execPath, [CLI, 'digest', '-q', '-w', '1', SAMPLE, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(durableReplaceProblem(r.ops, out)).toBe('');

    const scratch = join(dir, 'scratch.log');
    const s = traceFileOps(root, process.execPath, [
      CLI,
      'digest',
      '-q',
      '-w',
      '1',
      SAMPLE,
      '-o',
      scratch,
      '--no-fsync',
    ]);
    expect(s.status).toBe(0);
    expect(s.ops.some((o) => o.op === 'rename' && o.to === scratch)).toBe(true);
    expect(dirSynced(s.ops, dir)).toBe(false);
    expect(readFileSync(scratch, 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(readdirSync(dir).sort()).toEqual(['out.log', 'scratch.log']);
  });

  it('merge -o fsyncs the file and the directory', () => {
    const dir = join(root, 'merge');
    mkdirSync(dir);
    const out = join(dir, 'merged.log');
    const r = traceFileOps(root, process.execPath, [CLI, 'merge', '-q', SAMPLE, '-o', out]);
    expect(r.status).toBe(0);
    expect(durableReplaceProblem(r.ops, out)).toBe('');
  });

  it('a long streamed write flushes in the background, and still ends with its own fsync', () => {
    const dir = join(root, 'long');
    mkdirSync(dir);
    const path = join(dir, 'long.bin');
    // 40 MiB in 1 MiB chunks: at least two background flushes (one each FLUSH_EVERY_BYTES).
    const ops = traceScript(`
      const { writeDurable, FLUSH_EVERY_BYTES } = await import(${JSON.stringify(dist('util/durable.js'))});
      if (FLUSH_EVERY_BYTES * 2 > 40 * 2 ** 20) throw new Error('the test writes too little: ' + FLUSH_EVERY_BYTES);
      const { once } = await import('node:events');
      await writeDurable(${JSON.stringify(path)}, async (out) => {
        for (let i = 0; i < 40; i++) if (!out.write(Buffer.alloc(2 ** 20, i))) await once(out, 'drain');
      });
    `);
    expect(durableReplaceProblem(ops, path)).toBe('');
    const rename = ops.findIndex((o) => o.op === 'rename' && o.to === path);
    const tmp = ops[rename]!.path;
    const syncs = ops.slice(0, rename).filter((o) => o.path === tmp);
    expect(syncs.filter((o) => o.op === 'fdatasync').length).toBeGreaterThanOrEqual(2);
    // The final fsync comes after every background flush.
    expect(syncs.at(-1)?.op).toBe('fsync');
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(40 * 2 ** 20);
    for (let i = 0; i < 40; i++) expect(bytes[i * 2 ** 20 + 12345]).toBe(i);

    // flushEveryBytes: 0 leaves the final fsync alone.
    const single = join(dir, 'single.bin');
    const one = traceScript(`
      const { writeDurable } = await import(${JSON.stringify(dist('util/durable.js'))});
      await writeDurable(${JSON.stringify(single)}, async (out) => {
        for (let i = 0; i < 40; i++) out.write(Buffer.alloc(2 ** 20, i));
      }, { flushEveryBytes: 0 });
    `);
    expect(durableReplaceProblem(one, single)).toBe('');
    const at = one.findIndex((o) => o.op === 'rename' && o.to === single);
    expect(
      one
        .slice(0, at)
        .filter((o) => o.path === one[at]!.path)
        .map((o) => o.op),
    ).toEqual(['fsync']);
    expect(readFileSync(single).equals(bytes)).toBe(true);

    // --no-fsync's writes flush nothing, in the background or after.
    const scratch = join(dir, 'scratch.bin');
    const none = traceScript(`
      const { writeDurable } = await import(${JSON.stringify(dist('util/durable.js'))});
      await writeDurable(${JSON.stringify(scratch)}, async (out) => {
        for (let i = 0; i < 40; i++) out.write(Buffer.alloc(2 ** 20, i));
      }, { fsync: false });
    `);
    expect(none.filter((o) => o.op !== 'rename')).toEqual([]);
    expect(readFileSync(scratch).equals(bytes)).toBe(true);
  });

  it('the cluster partial store writes a partial durably, in a directory it creates', () => {
    const dir = join(root, 'store');
    const ops = traceScript(`
      const { FsPartialStore } = await import(${JSON.stringify(dist('cluster/store.js'))});
      await new FsPartialStore(${JSON.stringify(dir)}).put('run1/a.fdp', [Buffer.from('abc'), Buffer.from('def')]);
    `);
    expect(durableReplaceProblem(ops, join(dir, 'run1', 'a.fdp'))).toBe('');
    // The new run directory's entry is durable too.
    expect(dirSynced(ops, dir)).toBe(true);
    expect(readFileSync(join(dir, 'run1', 'a.fdp'), 'utf8')).toBe('abcdef');
  });

  it("the collector's fs destination writes objects and _checkpoint.json durably", () => {
    const dir = join(root, 'collect');
    const ops = traceScript(`
      const { fsDestination } = await import(${JSON.stringify(dist('collect/destinations/fs.js'))});
      const { writeCheckpoint } = await import(${JSON.stringify(dist('collect/checkpoint.js'))});
      const { Readable } = await import('node:stream');
      const dest = fsDestination({ dir: ${JSON.stringify(dir)} });
      const signal = new AbortController().signal;
      await dest.put('s1/page-1.ndjson', Readable.from([Buffer.from('{}\\n')]), { signal });
      await writeCheckpoint(dest, 's1', new Date(0), null, signal);
    `);
    expect(durableReplaceProblem(ops, join(dir, 's1', 'page-1.ndjson'))).toBe('');
    expect(durableReplaceProblem(ops, join(dir, 's1', '_checkpoint.json'))).toBe('');
  });

  it("the service's atomic files fsync their directory", () => {
    const dir = join(root, 'service');
    mkdirSync(dir);
    const ops = traceScript(`
      const { writeTextAtomic, writeFileAtomic } = await import(${JSON.stringify(dist('service/atomic-file.js'))});
      await writeTextAtomic(${JSON.stringify(join(dir, 'm.json'))}, '{}');
      await writeFileAtomic(${JSON.stringify(join(dir, 'b.gz'))}, async (out) => { out.write('x'); }, { gzip: true });
    `);
    expect(durableReplaceProblem(ops, join(dir, 'm.json'))).toBe('');
    expect(durableReplaceProblem(ops, join(dir, 'b.gz'))).toBe('');
  });

  it('the audit log sink fsyncs the directory of the file it creates', () => {
    const dir = join(root, 'auditlog');
    mkdirSync(dir);
    const ops = traceScript(`
      const { logSink } = await import(${JSON.stringify(dist('audit/index.js'))});
      const sink = logSink({ path: ${JSON.stringify(join(dir, 'audit.log'))} });
      await sink.send([{ id: '1' }]);
      await sink.close();
    `);
    expect(dirSynced(ops, dir)).toBe(true);
    expect(ops.some((o) => o.path === join(dir, 'audit.log'))).toBe(true);
  });

  it('the webhook dead-letter file is created with a directory fsync', () => {
    const dir = join(root, 'deadletter');
    mkdirSync(dir);
    const ops = traceScript(`
      const http = await import('node:http');
      const { webhookSink } = await import(${JSON.stringify(dist('audit/index.js'))});
      const server = http.createServer((req, res) => { req.resume(); res.statusCode = 400; res.end(); });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const sink = webhookSink({
        url: 'http://127.0.0.1:' + server.address().port + '/hook',
        secret: 'a-secret-of-16-bytes-at-least',
        deadLetterPath: ${JSON.stringify(join(dir, 'dead.jsonl'))},
      });
      const r = await sink.send([{ id: '1' }]);
      if (r.deadLettered !== 1) throw new Error('not dead-lettered: ' + JSON.stringify(r));
      server.close();
    `);
    expect(dirSynced(ops, dir)).toBe(true);
    expect(existsSync(join(dir, 'dead.jsonl'))).toBe(true);
  });
});

describe('writeDurable', () => {
  it('leaves the old file and no temporary file when the writer fails', async () => {
    const dir = join(root, 'fail');
    mkdirSync(dir);
    const path = join(dir, 'f.txt');
    await writeDurable(path, 'old');
    await expect(
      writeDurable(path, async (out) => {
        out.write('half');
        throw new Error('writer broke');
      }),
    ).rejects.toThrow('writer broke');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['f.txt']);
  });

  it('leaves the old file and no temporary file when aborted mid-stream', async () => {
    const dir = join(root, 'abort');
    mkdirSync(dir);
    const path = join(dir, 'f.txt');
    await writeDurable(path, 'old');
    const ac = new AbortController();
    await expect(
      writeDurable(
        path,
        async (out) => {
          out.write('part');
          ac.abort(new Error('stopped'));
          await new Promise((r) => setImmediate(r));
          out.write('more');
        },
        { signal: ac.signal },
      ),
    ).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['f.txt']);
  });

  it('writes strings, buffers, chunk lists, streams and writers alike', async () => {
    const { Readable } = await import('node:stream');
    const dir = join(root, 'forms');
    mkdirSync(dir);
    const forms = [
      'abc',
      Buffer.from('abc'),
      [Buffer.from('a'), Buffer.from('bc')],
      Readable.from([Buffer.from('ab'), Buffer.from('c')]),
      async (out: NodeJS.WritableStream) => {
        out.write('abc');
      },
    ];
    for (const [i, form] of forms.entries()) {
      await writeDurable(join(dir, `f${i}`), form as Parameters<typeof writeDurable>[1]);
      expect(readFileSync(join(dir, `f${i}`), 'utf8')).toBe('abc');
    }
  });
});
