// diff: identity (account, interface, addresses, ports, protocol, action), deltas for edges in
// both, outputs in every format, inputs in every format, and NEXT streamed in blocks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffDigests, diffInputs, diffToString, dotToString, readGraphInput } from '../dist/graph/index.js';
import { digestToString } from '../dist/index.js';
import { attr, digestOf, edgeLines, graphvizAccepts, HEADER, row } from './support/graph.js';
import { tempDir } from './support/tmp.js';

const PREV = [
  row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 100 }), // P1: changes
  row('10.0.0.1', '10.0.0.3', 0, 22, { bytes: 50 }), // P2: removed (NEXT has it on eni-2)
  row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 100, action: 'REJECT' }), // P3: removed (action is identity)
  row('10.0.0.4', '10.0.0.2', 0, 80, { bytes: 10 }), // P4: unchanged
];
const NEXT = [
  row('10.0.0.1', '10.0.0.2', 0, 443, { packets: 3, bytes: 300, end: 1120 }),
  row('10.0.0.4', '10.0.0.2', 0, 80, { bytes: 10 }),
  row('10.0.0.5', '10.0.0.2', 0, 443),
  row('10.0.0.1', '10.0.0.3', 0, 22, { bytes: 50, eni: 'eni-2' }),
];
const TEXT = [
  '- 2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 1 100 1000 1060 REJECT OK',
  '- 2 111122223333 eni-1 10.0.0.1 10.0.0.3 0 22 6 1 50 1000 1060 ACCEPT OK',
  '+ 2 111122223333 eni-1 10.0.0.5 10.0.0.2 0 443 6 1 100 1000 1060 ACCEPT OK',
  '+ 2 111122223333 eni-2 10.0.0.1 10.0.0.3 0 22 6 1 50 1000 1060 ACCEPT OK',
];
const CHANGED =
  '~ 2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 3 300 1000 1120 ACCEPT OK packets=+2 bytes=+200 start=0 end=+60';

describe('diff', async () => {
  const [prev, next] = [await digestOf(...PREV), await digestOf(...NEXT)];

  it('finds added and removed edges by identity, ignoring bytes and times', async () => {
    const d = diffDigests(prev, next);
    expect({
      added: d.added.size,
      removed: d.removed.size,
      changed: d.changed.size,
      common: d.common,
      previousRows: d.previousRows,
      nextRows: d.nextRows,
    }).toEqual({ added: 2, removed: 2, changed: 0, common: 2, previousRows: 4, nextRows: 4 });
    expect(await diffToString(d, 'text')).toBe(`${TEXT.join('\n')}\n`);
  });

  it('reports changed edges with deltas when asked', async () => {
    const d = diffDigests(prev, next, { changed: true });
    expect(await diffToString(d, 'text')).toBe(`${[...TEXT, CHANGED].join('\n')}\n`);
    const json = (await diffToString(d, 'ndjson'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.map((o) => o.diff ?? 'summary')).toEqual([
      'REMOVED',
      'REMOVED',
      'ADDED',
      'ADDED',
      'CHANGED',
      'summary',
    ]);
    expect(json[4]).toMatchObject({
      srcaddr: '10.0.0.1',
      packets: 3,
      bytes: 300,
      delta: { packets: 2, bytes: 200, start: 0, end: 60 },
    });
    expect(json[5]).toEqual({ summary: { previousRows: 4, nextRows: 4, removed: 2, added: 2, changed: 1, common: 2 } });
  });

  it('writes DOT with govpc_diff, distinct colours and only the nodes the edges touch', async () => {
    // go-vpcflow's look, as before; the default look is in graph-labels.test.ts.
    const text = await diffToString(diffDigests(prev, next, { changed: true }), 'dot', { labels: 'go' });
    await graphvizAccepts(text);
    const lines = edgeLines(text);
    expect(lines.map((l) => [attr(l, 'govpc_diff'), attr(l, 'color'), attr(l, 'style') ?? ''])).toEqual([
      ['REMOVED', 'orange', 'dashed'],
      ['REMOVED', 'orange', 'dashed'],
      ['ADDED', 'blue', ''],
      ['ADDED', 'blue', ''],
      ['CHANGED', 'gray40', ''],
    ]);
    expect(attr(lines[4], 'govpc_bytesDelta')).toBe('+200');
    expect(attr(lines[0], 'govpc_action')).toBe('REJECT');
    expect(attr(lines[2], 'label')).toMatch(/^govpc_diff=ADDED\\ngovpc_accountID=111122223333\\n/);
    // 10.0.0.4 is only on the unchanged edge.
    expect(text.split('\n').filter((l) => /^ {2}"[^"]*"$/.test(l))).toEqual([
      '  "10.0.0.1"',
      '  "10.0.0.2"',
      '  "10.0.0.3"',
      '  "10.0.0.5"',
    ]);
    expect(
      await diffToString(diffDigests(prev, next, { changed: true }), 'dot', { writer: 'stream', labels: 'go' }),
    ).toBe(text);
  });

  it('reads text, NDJSON, DOT and gzip inputs alike', async () => {
    const dir = tempDir();
    const files = {
      text: join(dir, 'prev.log'),
      ndjson: join(dir, 'prev.ndjson'),
      dot: join(dir, 'next.dot'),
      gz: join(dir, 'next.ndjson.gz'),
    };
    writeFileSync(files.text, digestToString(prev));
    writeFileSync(files.ndjson, digestToString(prev, 'ndjson'));
    writeFileSync(files.dot, dotToString(next, { cluster: 'subnet' }));
    writeFileSync(files.gz, gzipSync(digestToString(next, 'ndjson')));
    const expected = `${[...TEXT, CHANGED].join('\n')}\n`;
    for (const [a, b] of [
      [files.text, files.dot],
      [files.ndjson, files.gz],
      [files.ndjson, files.dot],
    ]) {
      expect(await diffToString(await diffInputs(a, b, { changed: true }), 'text')).toBe(expected);
    }
  });

  it('streams NEXT in blocks with the same result as loading it (header kept, duplicate keys summed)', async () => {
    const dir = tempDir();
    // A raw flow log in a custom field order, >1 MiB, each conversation twice far apart.
    const fields =
      'version srcaddr dstaddr srcport dstport protocol packets bytes start end action account-id interface-id log-status';
    const rec = (i: number, extra: number) =>
      `2 10.1.${(i >> 8) & 255}.${i & 255} 10.2.0.${i % 7} 50000 ${443 + (i % 3)} 6 1 ${100 + extra} ${1000 + extra} 2000 ACCEPT 111122223333 eni-1 OK`;
    const n = 7000;
    const raw = [fields];
    for (let i = 0; i < n; i++) raw.push(rec(i, 0));
    for (let i = 0; i < n; i++) raw.push(rec(i + (i % 4 === 0 ? n : 0), i % 5));
    writeFileSync(join(dir, 'next.log'), `${raw.join('\n')}\n`);
    const prevText = [HEADER];
    for (let i = 0; i < n; i += 2)
      prevText.push(
        `2 111122223333 eni-1 10.1.${(i >> 8) & 255}.${i & 255} 10.2.0.${i % 7} 0 ${443 + (i % 3)} 6 2 200 1000 2000 ACCEPT OK`,
      );
    writeFileSync(join(dir, 'prev.log'), `${prevText.join('\n')}\n`);
    const next = await readGraphInput(join(dir, 'next.log'));
    const prev = await readGraphInput(join(dir, 'prev.log'));
    expect(next.digest.size).toBe(n + n / 4);
    const streamed = await diffInputs(join(dir, 'prev.log'), join(dir, 'next.log'), { changed: true });
    expect(await diffToString(streamed, 'ndjson')).toBe(
      await diffToString(diffDigests(prev.digest, next.digest, { changed: true }), 'ndjson'),
    );
    expect({ added: streamed.added.size, removed: streamed.removed.size, common: streamed.common }).toEqual({
      added: (n * 3) / 4,
      removed: 0,
      common: n / 2,
    });
    // Same through NDJSON and DOT, whose blocks are counted in lines.
    writeFileSync(join(dir, 'next.ndjson'), digestToString(next.digest, 'ndjson'));
    writeFileSync(join(dir, 'next.dot'), dotToString(next.digest));
    for (const f of ['next.ndjson', 'next.dot']) {
      expect(await diffToString(await diffInputs(join(dir, 'prev.log'), join(dir, f), { changed: true }), 'text')).toBe(
        await diffToString(streamed, 'text'),
      );
    }
  });
});
