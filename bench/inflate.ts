/**
 * Inflate study: ways to gunzip one ~30 MB flow-log object in Node, timed on this thread (wall and
 * CPU) over --runs runs each, in alternating order so a drift of the machine hits every method
 * alike. The engine inflates with `inflateSync` (src/pool/inflate-sync.ts: Node's own zlib handle
 * driven synchronously into one reused 256 KiB buffer); the others are what a Node package can
 * use instead: zlib's one-shot and stream APIs with other chunk sizes, zlib on libuv's thread
 * pool, and npm inflaters (fflate, pako) when they are installed
 * (`npm i --no-save fflate pako`). Each method's output is checked against zlib's byte count and
 * a checksum of its bytes.
 *
 *   npm run bench:inflate -- [--runs 15] [--file OBJECT.log.gz]
 *
 * Without --file it uses the first object of the 1% bench fixture (generated if missing).
 * CPU is process CPU (user + system), so it includes libuv's threads for the asynchronous methods.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { constants, createGunzip, gunzip as gunzipAsync, gunzipSync } from 'node:zlib';
import { inflateSync } from '../dist/pool/inflate-sync.js';
import { benchFixture } from './lib/fixture.js';

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: { runs: { type: 'string' }, file: { type: 'string' } },
});
const runs = Number(flags.runs ?? 15);
const file = flags.file ?? (await benchFixture(230e6, 8, 1, 7000)).files[0];
const input = readFileSync(file);
// The gzip trailer's ISIZE: the inflated size mod 2^32 (one member here).
const isize = input.readUInt32LE(input.length - 4);

type Method = { name: string; run: (check?: boolean) => Promise<Buffer[] | Buffer> | Buffer[] | Buffer };

/**
 * The project's helper: pieces of one reused buffer, consumed as they come (as the scanner does);
 * hashed only for the output check, not in the timed runs.
 */
const viaHelper =
  (chunk: number): Method['run'] =>
  (check = false) => {
    const out = Buffer.allocUnsafe(chunk);
    const h = check ? createHash('md5') : undefined;
    let n = 0;
    inflateSync(input, out, (piece) => {
      n += piece.length;
      h?.update(piece);
    });
    return Object.assign(Buffer.alloc(0), { digest: h?.digest('hex'), n });
  };

const viaStream = (chunk: number) => async () => {
  const parts: Buffer[] = [];
  const g = createGunzip({ chunkSize: chunk });
  g.end(input);
  for await (const c of g) parts.push(c as Buffer);
  return parts;
};

const methods: Method[] = [
  { name: 'inflateSync helper, 256 KiB buffer (the engine today)', run: viaHelper(256 * 1024) },
  { name: 'inflateSync helper, 64 KiB buffer', run: viaHelper(64 * 1024) },
  { name: 'inflateSync helper, 1 MiB buffer', run: viaHelper(1 << 20) },
  { name: 'inflateSync helper, 4 MiB buffer', run: viaHelper(4 << 20) },
  { name: 'zlib.gunzipSync, default chunks', run: () => gunzipSync(input) },
  { name: 'zlib.gunzipSync, 1 MiB chunks', run: () => gunzipSync(input, { chunkSize: 1 << 20 }) },
  {
    name: 'zlib.gunzipSync, one chunk of ISIZE',
    run: () => gunzipSync(input, { chunkSize: Math.max(isize, 64 * 1024), finishFlush: constants.Z_SYNC_FLUSH }),
  },
  { name: 'createGunzip stream (libuv), 16 KiB chunks', run: viaStream(16 * 1024) },
  { name: 'createGunzip stream (libuv), 256 KiB chunks', run: viaStream(256 * 1024) },
  { name: 'createGunzip stream (libuv), 1 MiB chunks', run: viaStream(1 << 20) },
  {
    name: 'zlib.gunzip async (libuv), 1 MiB chunks',
    run: () =>
      new Promise<Buffer>((resolve, reject) =>
        gunzipAsync(input, { chunkSize: 1 << 20 }, (err, out) => (err ? reject(err) : resolve(out))),
      ),
  },
];

// Optional npm inflaters, used only if installed.
async function optional<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(name)) as T;
  } catch {
    console.error(`(${name} not installed: npm i --no-save ${name})`);
    return undefined;
  }
}
type Fflate = { gunzipSync(d: Uint8Array, o?: { out?: Uint8Array }): Uint8Array };
const fflate = await optional<Fflate>('fflate');
if (fflate) {
  methods.push({ name: 'fflate.gunzipSync', run: () => Buffer.from(fflate.gunzipSync(input)) });
  methods.push({
    name: 'fflate.gunzipSync into a buffer of ISIZE',
    run: () => Buffer.from(fflate.gunzipSync(input, { out: new Uint8Array(isize) })),
  });
}
type Pako = { ungzip(d: Uint8Array): Uint8Array };
const pakoModule = await optional<{ default?: Pako } & Pako>('pako');
const pako = pakoModule?.default ?? pakoModule;
if (pako) methods.push({ name: 'pako.ungzip', run: () => Buffer.from(pako.ungzip(input)) });

function check(out: Buffer[] | Buffer): { n: number; digest: string } {
  const o = out as Buffer & { digest?: string; n?: number };
  if (o.digest !== undefined) return { n: o.n!, digest: o.digest };
  const parts = Array.isArray(out) ? out : [out];
  const h = createHash('md5');
  let n = 0;
  for (const p of parts) {
    h.update(p);
    n += p.length;
  }
  return { n, digest: h.digest('hex') };
}

const reference = check(gunzipSync(input));
const samples = new Map<Method, { wall: number[]; cpu: number[] }>(methods.map((m) => [m, { wall: [], cpu: [] }]));
for (const m of methods) {
  const got = check(await m.run(true)); // warm-up, and the output check
  if (got.n !== reference.n || got.digest !== reference.digest)
    throw new Error(`${m.name}: ${got.n} bytes (${got.digest}), zlib gives ${reference.n} (${reference.digest})`);
}
for (let r = 0; r < runs; r++) {
  for (const m of r % 2 === 0 ? methods : [...methods].reverse()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await m.run();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    samples.get(m)!.wall.push(wall);
    samples.get(m)!.cpu.push((c.user + c.system) / 1000);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f0 = (x: number) => x.toFixed(0);
console.log(
  `Inflate one object: ${file}\n${(input.length / 1e6).toFixed(1)} MB gzip -> ${(reference.n / 1e6).toFixed(1)} MB; ` +
    `${runs} runs each, alternating; Node ${process.version}\n`,
);
console.log('| method | wall ms, median (min–max) | CPU ms, median | MB/s of output (median wall) |');
console.log('|---|---:|---:|---:|');
for (const m of methods) {
  const s = samples.get(m)!;
  const w = median(s.wall);
  console.log(
    `| ${m.name} | ${f0(w)} (${f0(Math.min(...s.wall))}–${f0(Math.max(...s.wall))}) | ${f0(median(s.cpu))} | ${f0(reference.n / 1e6 / (w / 1000))} |`,
  );
}
