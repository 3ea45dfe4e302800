// The fixture generator must be deterministic, bucket-shaped and honest about
// time windows and size; the committed sample and goldens must be current.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { generateFixture, parseCliArgs, parseSize, UsageError } from '../fixtures/generate.js';
import { HELP } from '../fixtures/lib/cli.js';
import { CUSTOM_FIELDS, V2_FIELDS } from '../fixtures/lib/formats.js';
import { OBJECT_KEY_RE, stampSeconds } from '../fixtures/lib/layout.js';
import { readLogTree } from '../fixtures/lib/read-tree.js';
import { GOLDEN_DIR, SAMPLE_DIR, SAMPLE_OPTIONS } from '../fixtures/make-golden.js';
import { referenceDigest } from './support/reference-digest.js';

const tmp = await mkdtemp(join(tmpdir(), 'flowdigest-fx-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const small = { size: 120_000, objects: 5, seed: 7, conversations: 200, format: 'mixed' } as const;
const readAll = (files: string[]) => Promise.all(files.map((f) => readFile(f)));
const rel = (out: string, files: string[]) => files.map((f) => relative(out, f).split('\\').join('/'));

describe('generateFixture', () => {
  it('is byte-identical for the same seed and differs for another', async () => {
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((d, i) => generateFixture({ ...small, seed: i === 2 ? 8 : 7, out: join(tmp, d) })),
    );
    expect(rel(join(tmp, 'a'), a.files)).toEqual(rel(join(tmp, 'b'), b.files));
    expect(await readAll(a.files)).toEqual(await readAll(b.files));
    const [ga, gc] = [await readAll(a.files), await readAll(c.files)];
    expect(ga.every((buf, i) => !buf.equals(gc[i]))).toBe(true);
  });

  it('reuses a directory whose marker has identical options, and rebuilds otherwise', async () => {
    const out = join(tmp, 'reuse');
    const first = await generateFixture({ ...small, out });
    expect(first.reused).toBeUndefined();
    expect(await generateFixture({ ...small, out })).toEqual({ ...first, reused: true });
    const other = await generateFixture({ ...small, objects: 2, out });
    expect(other.reused).toBeUndefined();
    expect((await readLogTree(out)).length).toBe(2); // stale objects were cleared
  });

  it.each([
    ['default', false, /^AWSLogs\/\d{12}\/vpcflowlogs\/[a-z0-9-]+\/2026\/01\/15\/[^/]+$/],
    ['default', true, /^AWSLogs\/\d{12}\/vpcflowlogs\/[a-z0-9-]+\/2026\/01\/15\/1[67]\/[^/]+$/],
    [
      'hive',
      false,
      /^AWSLogs\/aws-account-id=\d{12}\/aws-service=vpcflowlogs\/aws-region=[a-z0-9-]+\/year=2026\/month=01\/day=15\/[^/]+$/,
    ],
    [
      'hive',
      true,
      /^AWSLogs\/aws-account-id=\d{12}\/aws-service=vpcflowlogs\/aws-region=[a-z0-9-]+\/year=2026\/month=01\/day=15\/hour=1[67]\/[^/]+$/,
    ],
  ] as const)(
    'names objects in the %s layout (hourly=%s) and keeps records in their 5-minute window',
    async (layout, hourly, dirRe) => {
      const out = join(tmp, `${layout}-${hourly}`);
      const res = await generateFixture({ ...small, objects: 10, layout, hourly, out });
      const names = rel(out, res.files);
      const combos = new Set<string>();
      let text = 0;
      for (const [i, name] of names.entries()) {
        expect(name).toMatch(dirRe);
        const m = OBJECT_KEY_RE.exec(name);
        expect(m).not.toBeNull();
        const [account, region] = [m![1] ?? m![3], m![2] ?? m![4]];
        expect(m![5]).toBe(account); // file name repeats the partition's account and region
        expect(m![6]).toBe(region);
        combos.add(`${account}/${region}`);
        const t = stampSeconds(m![7]);
        expect(t).toBe(Date.UTC(2026, 0, 15, 16, 20) / 1000 + 300 * i); // 5-minute steps
        const body = gunzipSync(await readFile(res.files[i])).toString();
        text += body.length;
        const lines = body.split('\n').slice(0, -1);
        const fields = lines[0].split(' ');
        expect(fields).toEqual(i % 4 === 3 ? [...CUSTOM_FIELDS] : [...V2_FIELDS]); // mixed: every 4th is custom
        const [si, ei] = [fields.indexOf('start'), fields.indexOf('end')];
        for (const l of lines.slice(1)) {
          const tok = l.split(' ');
          expect(Number(tok[si])).toBeLessThanOrEqual(Number(tok[ei]));
        }
        // The reference digest agrees: nothing malformed, nothing outside [T, T+300).
        const d = referenceDigest([{ name, text: body }], { start: t, end: t + 300 });
        expect(d.stats).toMatchObject({ headers: 1, malformed: 0, filtered: 0 });
      }
      expect(combos.size).toBe(4); // round-robin over 2 accounts x 2 regions
      expect(text).toBe(res.bytes);
    },
  );

  it('honours the requested size within 2%', async () => {
    const res = await generateFixture({ size: 400_000, objects: 3, seed: 3, out: join(tmp, 'size') });
    expect(Math.abs(res.bytes - 400_000) / 400_000).toBeLessThan(0.02);
  });

  it('produces realistic mixes that digests compact', async () => {
    const out = join(tmp, 'mix');
    await generateFixture({ size: 1_000_000, objects: 4, seed: 5, conversations: 2000, out });
    const inputs = await readLogTree(out);
    const all = inputs.map((i) => i.text).join('');
    const d = referenceDigest(inputs);
    const share = (re: RegExp) => (all.match(re) ?? []).length / d.stats.lines;
    expect(share(/ REJECT OK$/gm)).toBeGreaterThan(0.03);
    expect(share(/ NODATA$/gm)).toBeGreaterThan(0.002);
    expect(share(/ SKIPDATA$/gm)).toBeGreaterThan(0.0005);
    expect(share(/ 2600:1f18:/g)).toBeGreaterThan(0.01);
    expect(d.rows.length).toBeLessThan(d.stats.records / 3);
    expect(new Set(all.split('\n')).size).toBeGreaterThan(d.stats.lines * 0.99); // raw lines (nearly) unique
  });
});

// Distinct digest keys of v2 text: account, ENI, addresses, ports (the higher of two non-zero
// ports folded to 0, as the digest does), protocol and action, over the OK records.
function distinctKeys(texts: string[]): { keys: number; records: number } {
  const keys = new Set<string>();
  let records = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const t = line.split(' ');
      if (t.length !== 14 || t[0] === 'version') continue;
      records++;
      if (t[13] !== 'OK') continue;
      let [sp, dp] = [Number(t[5]), Number(t[6])];
      if (sp > 0 && dp > 0) {
        if (sp >= dp) sp = 0;
        else dp = 0;
      }
      keys.add([t[1], t[2], t[3], t[4], sp, dp, t[7], t[12]].join(' '));
    }
  }
  return { keys: keys.size, records };
}
const keysOf = async (out: string) => distinctKeys((await readLogTree(out)).map((i) => i.text));

describe('internet scanners', () => {
  const base = { size: 400_000, objects: 4, seed: 11, conversations: 50, format: 'default' } as const;

  it('raise the distinct-conversation count to about the share of records asked for', async () => {
    const none = await keysOf((await generateFixture({ ...base, out: join(tmp, 'sc-none') }), join(tmp, 'sc-none')));
    const some = await keysOf(
      (await generateFixture({ ...base, scanners: 0.1, out: join(tmp, 'sc-0.1') }), join(tmp, 'sc-0.1')),
    );
    const many = await keysOf(
      (await generateFixture({ ...base, scanners: 0.4, out: join(tmp, 'sc-0.4') }), join(tmp, 'sc-0.4')),
    );
    const share = (k: { keys: number; records: number }) => k.keys / k.records;
    expect(share(none)).toBeLessThan(0.06); // 50 conversations fold ~3,500 records
    // Unbounded probes are (nearly) all distinct keys: rows/records ≈ base share + scanners.
    expect(share(some) - share(none)).toBeGreaterThan(0.08);
    expect(share(some) - share(none)).toBeLessThan(0.12);
    expect(share(many) - share(none)).toBeGreaterThan(0.36);
    expect(share(many) - share(none)).toBeLessThan(0.44);
  });

  it('probe internet-facing ENIs from public addresses, mostly REJECT, 1 packet of 40-60 bytes', async () => {
    const out = join(tmp, 'sc-lines');
    await generateFixture({ ...base, scanners: 1, out });
    const lines = (await readLogTree(out)).flatMap((i) => i.text.split('\n').slice(1, -1));
    const probes = lines.map((l) => l.split(' ')).filter((t) => !t[3].startsWith('10.')); // inbound legs
    expect(probes.length).toBeGreaterThan(lines.length * 0.85);
    for (const t of probes) expect(t[3]).not.toMatch(/^(10|127|172|192|0)\./);
    const rejected = probes.filter((t) => t[12] === 'REJECT');
    expect(rejected.length).toBeGreaterThan(probes.length * 0.85);
    for (const t of rejected) {
      expect(t[8]).toBe('1');
      expect(Number(t[9])).toBeGreaterThanOrEqual(t[7] === '6' ? 40 : 28);
      expect(Number(t[9])).toBeLessThanOrEqual(t[7] === '6' ? 60 : 100);
    }
    expect(new Set(probes.map((t) => t[6])).size).toBeGreaterThan(500); // many destination ports
  });

  it('with a bounded scan space, a 4x larger fixture repeats the same keys instead of adding rows', async () => {
    const opts = { ...base, scanners: 0.4 };
    const probes = Math.round((0.4 * 3400) / 1.08); // ~3,400 records in 400 KB, ~1.08 records per probe
    const space = Math.round(0.9 * probes);
    const one = await keysOf(
      (await generateFixture({ ...opts, scanSpace: space, out: join(tmp, 'ss-1') }), join(tmp, 'ss-1')),
    );
    const four = await keysOf(
      (await generateFixture({
        ...opts,
        scanSpace: space,
        size: base.size * 4,
        objects: base.objects * 4,
        out: join(tmp, 'ss-4'),
      }),
      join(tmp, 'ss-4')),
    );
    const free = await keysOf(
      (await generateFixture({ ...opts, size: base.size * 4, objects: base.objects * 4, out: join(tmp, 'ss-free') }),
      join(tmp, 'ss-free')),
    );
    expect(four.records / one.records).toBeGreaterThan(3.9);
    expect(one.keys).toBeGreaterThan(space); // every key of the space, plus conversations and replies
    expect(four.keys / one.keys).toBeLessThan(1.1);
    expect(free.keys / one.keys).toBeGreaterThan(3); // unbounded: keys grow with the records
  });

  it('are deterministic, and scanners 0 is exactly the default output', async () => {
    const [a, b] = await Promise.all(
      ['sc-det-a', 'sc-det-b'].map((d) =>
        generateFixture({ ...small, scanners: 0.3, scanSpace: 500, out: join(tmp, d) }),
      ),
    );
    expect(await readAll(a.files)).toEqual(await readAll(b.files));
    const [off, omitted] = await Promise.all([
      generateFixture({ ...small, scanners: 0, scanSpace: 123, out: join(tmp, 'sc-off') }),
      generateFixture({ ...small, out: join(tmp, 'sc-omitted') }),
    ]);
    expect(await readAll(off.files)).toEqual(await readAll(omitted.files));
  });

  it.each([[-0.1], [1.5], [Number.NaN], [Infinity]])(
    'rejects scanners %s with a RangeError naming it',
    async (scanners) => {
      await expect(generateFixture({ ...small, scanners, out: join(tmp, 'bad') })).rejects.toThrow(RangeError);
      await expect(generateFixture({ ...small, scanners, out: join(tmp, 'bad') })).rejects.toThrow(/^scanners /);
    },
  );

  it.each([[-1], [2.5], [2e9]])('rejects scanSpace %s with a RangeError naming it', async (scanSpace) => {
    await expect(generateFixture({ ...small, scanners: 0.1, scanSpace, out: join(tmp, 'bad') })).rejects.toThrow(
      /^scanSpace /,
    );
  });
});

describe('population B', () => {
  const b = { size: 600_000, objects: 4, seed: 13, population: 'b', talkers: 400, format: 'default' } as const;
  const records = (texts: string[]) =>
    texts
      .flatMap((t) => t.split('\n'))
      .filter((l) => l.startsWith('2 ') && l.endsWith(' OK'))
      .map((l) => l.split(' '));

  it("is deterministic, differs from population A, and its markers differ from A's", async () => {
    const [x, y] = await Promise.all(['pb-x', 'pb-y'].map((d) => generateFixture({ ...b, out: join(tmp, d) })));
    expect(await readAll(x.files)).toEqual(await readAll(y.files));
    const a = await generateFixture({ ...b, population: 'a', out: join(tmp, 'pb-a') });
    const [ta, tb] = [await readLogTree(join(tmp, 'pb-a')), await readLogTree(join(tmp, 'pb-x'))];
    const eni = (texts: string[]) => new Set(records(texts).map((t) => t[2]));
    const shared = [...eni(tb.map((i) => i.text))].filter((e) => eni(ta.map((i) => i.text)).has(e));
    expect(shared).toEqual([]);
    expect(a.files.length).toBe(4);
  });

  it('draws ~3% IPv6, ephemeral ports in both ranges, ENIs per subnet, and agrees with the reference digest', async () => {
    const out = join(tmp, 'pb-mix');
    await generateFixture({ ...b, out });
    const inputs = await readLogTree(out);
    const recs = records(inputs.map((i) => i.text));
    const v6 = recs.filter((t) => t[3].includes(':')).length / recs.length;
    expect(v6).toBeGreaterThan(0.015);
    expect(v6).toBeLessThan(0.05);
    // A client's ephemeral port is the srcport of a flow to a well-known port.
    const eph = recs.filter((t) => Number(t[6]) < 1024 && Number(t[5]) >= 1024).map((t) => Number(t[5]));
    const narrow = eph.filter((p) => p >= 32768 && p <= 60999).length / eph.length;
    // 96% of clients use 32768-60999, 4% 1024-65535 (of which 44% fall in 32768-60999 too).
    expect(narrow).toBeGreaterThan(0.94);
    expect(narrow).toBeLessThan(0.995);
    expect(eph.some((p) => p < 32768)).toBe(true);
    expect(eph.some((p) => p > 60999)).toBe(true);
    // ENI addresses of one VPC fall in several /20 subnets of its 10.x/16.
    const ownAddrs = new Set(
      recs.filter((t) => t[3].startsWith('10.')).map((t) => t[3].split('.').slice(0, 3).join('.')),
    );
    const subnets = new Set([...ownAddrs].map((a) => `${a.split('.')[1]}.${Number(a.split('.')[2]) >> 4}`));
    expect(subnets.size).toBeGreaterThan(4);
    const d = referenceDigest(inputs);
    const { keys } = distinctKeys(inputs.map((i) => i.text));
    expect(d.rows.length).toBe(keys);
  });

  it('grows its rows with talkers and with scanners', async () => {
    const small = await keysOf(
      (await generateFixture({ ...b, size: 2_000_000, talkers: 5, out: join(tmp, 'pb-t5') }), join(tmp, 'pb-t5')),
    );
    const wide = await keysOf(
      (await generateFixture({ ...b, size: 2_000_000, talkers: 5000, out: join(tmp, 'pb-t5k') }), join(tmp, 'pb-t5k')),
    );
    const scanned = await keysOf(
      (await generateFixture({ ...b, size: 2_000_000, talkers: 5, scanners: 0.4, out: join(tmp, 'pb-sc') }),
      join(tmp, 'pb-sc')),
    );
    const share = (k: { keys: number; records: number }) => k.keys / k.records;
    expect(share(wide)).toBeGreaterThan(2 * share(small));
    expect(share(scanned) - share(small)).toBeGreaterThan(0.15);
  });

  it('rejects a scan space, which only population A has', async () => {
    await expect(generateFixture({ ...b, scanners: 0.1, scanSpace: 10, out: join(tmp, 'pb-bad') })).rejects.toThrow(
      /scanSpace applies to population a/,
    );
  });
});

describe('CLI parsing', () => {
  it('parses sizes and flags, naming the default directory after them', () => {
    expect(parseSize('500MB')).toBe(500_000_000);
    expect(parseSize('1.5kb')).toBe(1500);
    expect(parseSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseSize('4096')).toBe(4096);
    const o = parseCliArgs(['--size', '500MB', '--seed', '3'], '/repo');
    expect(o).toMatchObject({
      help: false,
      size: 500_000_000,
      seed: 3,
      out: join('/repo', 'fixtures', 'generated', '500MB-s3'),
    });
    expect(parseCliArgs(['--size', '1MB', '--layout', 'hive', '--hourly'], '/r')).toMatchObject({
      out: join('/r', 'fixtures', 'generated', '1MB-s1-hive-hourly'),
    });
    expect(parseCliArgs(['--help'])).toEqual({ help: true });
    expect(parseCliArgs(['--size', '1MB', '--scanners', '0.4', '--scan-space', '5000'], '/r')).toMatchObject({
      scanners: 0.4,
      scanSpace: 5000,
      out: join('/r', 'fixtures', 'generated', '1MB-s1-sc0.4-ss5000'),
    });
    expect(parseCliArgs(['--size', '1MB', '--scanners', '.05'], '/r')).toMatchObject({
      scanners: 0.05,
      scanSpace: 0,
      out: join('/r', 'fixtures', 'generated', '1MB-s1-sc0.05'),
    });
  });

  it('documents --scanners and --scan-space in --help', () => {
    expect(HELP).toMatch(/--scanners F/);
    expect(HELP).toMatch(/--scan-space N/);
  });

  it.each([
    [['--bogus']],
    [['--size', '5XB']],
    [['--objects', '-1']],
    [['--format', 'csv']],
    [['--seed', 'x']],
    [['extra']],
    [['--scanners', 'x']],
    [['--scanners', '1.5']],
    [['--scanners', '-0.1']],
    [['--scan-space', '1.5']],
  ])('rejects %j', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
  });
});

describe('committed sample and goldens', () => {
  it('match the generator and the reference digest', async () => {
    const out = join(tmp, 'sample');
    await generateFixture({ ...SAMPLE_OPTIONS, out });
    const fresh = await readLogTree(out);
    const committed = await readLogTree(SAMPLE_DIR);
    // Compare decompressed text: gzip bytes may change with the zlib version.
    expect(committed.filter((i) => i.name !== 'edge-cases.log')).toEqual(fresh);
    const d = referenceDigest(committed);
    expect(d.text).toBe(await readFile(join(GOLDEN_DIR, 'sample.digest.log'), 'utf8'));
    expect(d.ndjsonRows.map((r) => `${r}\n`).join('')).toBe(
      await readFile(join(GOLDEN_DIR, 'sample.digest.ndjson'), 'utf8'),
    );
    expect(JSON.parse(await readFile(join(GOLDEN_DIR, 'sample.stats.json'), 'utf8'))).toEqual(d.stats);
    expect(d.stats.lines).toBeGreaterThanOrEqual(2000);
    expect(d.stats.lines).toBeLessThanOrEqual(4000);
  });
});
