// Graph guardrails: an SVG or HTML graph over the edge limit is refused before any layout
// (library and CLI, dot and digest), naming the limit and suggesting --top; --top keeps the
// top REJECT edges by records beside the top edges by bytes (against a naive choice, fast-check)
// and says how many of each; titles carry the window and the filters.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDigest } from '../dist/index.js';
import { applyView, GRAPH_MAX_EDGES, writeGraph } from '../dist/graph/index.js';
import { HEADER } from './support/graph.js';
import { type GenRow, ndjson, rowsArb } from './support/report-reference.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-guardrails-');

function manyEdges(n: number): string {
  const rows: GenRow[] = [];
  for (let i = 0; i < n; i++)
    rows.push({
      account: '1',
      eni: 'eni-a',
      src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      dst: '52.1.2.3',
      sport: 0,
      dport: 443,
      proto: 6,
      action: 'ACCEPT',
      packets: 1n,
      bytes: BigInt(100 + i),
      start: 1768493957,
      end: 1768495799,
      records: 1,
    });
  return ndjson(rows);
}

describe('the edge limit', () => {
  const big = join(dir, 'big.ndjson');
  writeFileSync(big, manyEdges(GRAPH_MAX_EDGES + 1));
  // The same rows as a flow log, for digest -f svg.
  const log = join(dir, 'big.log');
  writeFileSync(
    log,
    `${HEADER}\n${[...Array(GRAPH_MAX_EDGES + 1).keys()].map((i) => `2 1 eni-a 10.${(i >> 8) & 255}.${i & 255}.1 52.1.2.3 50000 443 6 1 ${100 + i} 1768493957 1768495799 ACCEPT OK`).join('\n')}\n`,
  );

  it('refuses SVG and HTML over the limit in the library, before any layout', async () => {
    const d = await readDigest(big);
    const out = new PassThrough();
    let written = 0;
    out.on('data', (b: Buffer) => {
      written += b.length;
    });
    for (const format of ['svg', 'html'] as const) {
      const err = await writeGraph(d, out, { format }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'FD_ERR_GRAPH_LIMIT', field: 'top' });
      expect((err as Error).message).toMatch(/5,001 edges, over the limit of 5,000 .*--top N/);
    }
    expect(written).toBe(0);
    // At the limit it is drawn; DOT has no limit.
    await expect(writeGraph(d, new PassThrough().resume(), { format: 'dot' })).resolves.toBeUndefined();
  });

  it.each([
    ['dot', big, '-f', 'svg'],
    ['dot', big, '-f', 'html'],
    ['digest', log, '-f', 'svg'],
  ])('%s %s %s %s: exit 1 naming the limit, no file', async (...args) => {
    const out = join(dir, `refused-${args[0]}-${args[3]}`);
    const r = await runCli([...args, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /over the limit of 5,000 for (SVG|HTML): keep the heaviest with --top N.*\[FD_ERR_GRAPH_LIMIT\]/,
    );
    expect(r.stderr).not.toMatch(/Maximum call stack/);
    expect(existsSync(out)).toBe(false);
  });

  it('--top brings it under the limit, and the title names window, filters and cut', async () => {
    const out = join(dir, 'top.html');
    const r = await runCli(['dot', big, '--top', '20', '--action', 'ACCEPT', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/→ 20 edges \(top 20 by bytes \+ 0 REJECT by records\), html/);
    expect(readFileSync(out, 'utf8')).toContain(
      '<title>flowdigest graph: 2026-01-15 16:19:17Z to 2026-01-15 16:49:59Z; action ACCEPT; top 20 by bytes + 0 REJECT by records</title>',
    );
  });
});

describe('--top keeps REJECT edges by records beside the edges by bytes', () => {
  it('equals a naive choice', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        async (rows, top, rej) => {
          const d = await readDigest(Readable.from([Buffer.from(ndjson(rows))]), 'gen');
          const all = [...d.rows()];
          const key = (r: (typeof all)[number]) =>
            JSON.stringify([
              r.account,
              r.interfaceId,
              r.srcAddr,
              r.dstAddr,
              r.srcPort,
              r.dstPort,
              r.protocol,
              r.action,
            ]);
          const canonical = new Map(all.map((r, i) => [key(r), i]));
          const byBytes = [...all]
            .sort((a, b) =>
              a.bytes === b.bytes ? canonical.get(key(a))! - canonical.get(key(b))! : a.bytes > b.bytes ? -1 : 1,
            )
            .slice(0, top);
          const taken = new Set(byBytes.map(key));
          const rejected =
            top >= all.length
              ? []
              : all
                  .filter((r) => r.action === 'REJECT' && !taken.has(key(r)))
                  .sort(
                    (a, b) =>
                      b.records - a.records ||
                      (a.bytes === b.bytes
                        ? canonical.get(key(a))! - canonical.get(key(b))!
                        : a.bytes > b.bytes
                          ? -1
                          : 1),
                  )
                  .slice(0, rej);
          const view = applyView(d, { top, topRejected: rej });
          const expected = top >= all.length ? all : [...byBytes, ...rejected];
          expect(new Set([...view.digest.rows()].map(key))).toEqual(new Set(expected.map(key)));
          expect(view.kept).toEqual({ byBytes: Math.min(top, all.length), rejected: rejected.length });
        },
      ),
      { numRuns: 100 },
    );
  });
});
