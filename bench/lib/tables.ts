/** Run tables for the kernel benches: a real fixture's, or a synthetic one shaped like it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Scanner } from '../../dist/format/scanner.js';
import { WasmKernel } from '../../dist/format/wasm-kernel.js';
import { DigestTable, hashKey } from '../../dist/table/table.js';

/** Every *.log.gz under `dir`, scanned (kernel and all) into one table: a real run table's keys. */
export function scanDir(dir: string): DigestTable {
  const t = new DigestTable(1 << 16);
  const k = WasmKernel.load();
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.log.gz')) continue;
    const s = new Scanner(new DigestTable(1 << 14), { key: f, strict: false, maxSamples: 10, filter: {}, kernel: k });
    s.push(gunzipSync(readFileSync(join(dir, f))));
    s.end(t);
  }
  return t;
}

/**
 * `rows` entries shaped like a high-cardinality digest's, the same for every call: a few
 * accounts, a few hundred interfaces, many addresses (3% IPv6), random ports.
 */
export function syntheticTable(rows: number): DigestTable {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const enc = new TextEncoder();
  const table = new DigestTable(rows);
  const accounts = Array.from({ length: 6 }, (_, i) => `${123456789000 + i * 7919}`);
  const enis = Array.from(
    { length: 400 },
    (_, i) => `eni-0${(0x1000000 + i * 2654435).toString(16).padStart(16, '0')}`,
  );
  const ip4 = () => `${10 + rnd(200)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
  const ip = () => (rnd(100) < 3 ? `2600:1f18:${rnd(65536).toString(16)}::${rnd(65536).toString(16)}` : ip4());
  while (table.size < rows) {
    const key = enc.encode(
      [accounts[rnd(6)], enis[rnd(400)], ip(), ip(), rnd(10) < 8 ? 'ACCEPT' : 'REJECT'].join('\0'),
    );
    const sp = rnd(10) < 5 ? 0 : rnd(65536),
      dp = rnd(10) < 2 ? -1 : rnd(65536),
      pr = [6, 17, 1][rnd(3)];
    const e = table.upsert(key, 0, key.length, hashKey(key, 0, key.length, sp, dp, pr), sp, dp, pr);
    table.add(e, 1, 60, 1, 2);
  }
  return table;
}
