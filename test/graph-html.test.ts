// The HTML page as a file: self-contained (inlined scripts allowed by hash, no URL to fetch),
// data escaped in every place it appears, written by `dot`, `digest` and `diff` with -f html
// (or -o *.html), and by the library.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyView,
  diffDigests,
  escapeHtml,
  htmlToString,
  jsonForScript,
  renderDiffHtml,
  renderHtml,
} from '../dist/graph/index.js';
import { digestOf, HEADER, row } from './support/graph.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

/** The page's parts: CSP, inline scripts (besides the JSON), the JSON data. */
function parts(html: string) {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1];
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const json = /<script type="application\/json" id="flowdigest-data">([^<]*)<\/script>/.exec(html)![1];
  return {
    csp,
    scripts,
    data: JSON.parse(json) as {
      nodes: { id: string; name: string }[];
      edges: { id: string; src: string; dst: string; fields: Record<string, string> }[];
    },
  };
}

function expectSelfContained(html: string): void {
  const { csp, scripts } = parts(html);
  expect(csp).toMatch(/^default-src 'none'; /);
  expect(scripts).toHaveLength(2); // svg-pan-zoom, then ours
  for (const s of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  expect(scripts[0]).toContain('svg-pan-zoom v3.6.2');
  // Nothing that would load: no src/href attribute, stylesheet link, CSS url() or import.
  expect(html).not.toMatch(/\s(src|href|xlink:href)\s*=|<link|url\(|@import|<iframe|<object|<embed/i);
  expect(html.match(/<svg[\s>]/g)).toHaveLength(1);
}

describe('HTML escaping helpers', () => {
  it('escape text and JSON for a script block exactly', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(jsonForScript({ a: '</script><!--&\u2028\u2029' })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}',
    );
    expect(JSON.parse(jsonForScript({ a: '</script><!--&\u2028\u2029' }))).toEqual({ a: '</script><!--&\u2028\u2029' });
  });
});

describe('the HTML page', async () => {
  const evil = '<script>alert(1)</script>';
  const d = await digestOf(
    row('10.0.0.1', '10.0.1.2', 0, 443, { bytes: 5000 }),
    row('10.0.0.1', '10.0.1.3', 0, 22, { action: 'REJECT' }),
    row(evil, '10.0.0.1', 0, 80, { account: '&amp;<b>', eni: `eni-</script>` }),
  );

  it('holds the SVG, every edge with its govpc_* fields, and data only escaped', async () => {
    const html = await htmlToString(d);
    expectSelfContained(html);
    const { data } = parts(html);
    expect(data.edges).toHaveLength(3);
    expect(html.match(/<g id="e\d+" class="edge">/g)).toHaveLength(3);
    const bad = data.edges.find((e) => e.src === evil)!;
    expect(bad.fields).toMatchObject({
      govpc_accountID: '&amp;<b>',
      govpc_eniID: 'eni-</script>',
      govpc_dstPort: '80',
    });
    expect(data.nodes.map((n) => n.name).sort()).toEqual([evil, '10.0.0.1', '10.0.1.2', '10.0.1.3'].sort());
    // Raw markup from data appears nowhere: only as entities, or \u escapes in the JSON.
    for (const raw of [evil, '<b>', 'eni-</script>']) expect(html).not.toContain(raw);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('shows the top talkers, heaviest first, as many as asked', async () => {
    const html = await renderHtml(applyView(d, {}), { talkers: 2, title: 'week <1>' });
    const rows = [...html.matchAll(/<tr data-edges="([^"]*)">(.*?)<\/tr>/g)].map((m) =>
      m[2].replace(/<[^>]+>/g, '|').replace(/\|+/g, '|'),
    );
    expect(rows).toEqual([
      '|10.0.0.1|10.0.1.2|ACCEPT|https|5.0 kB|1|',
      `|${escapeHtml(evil)}|10.0.0.1|ACCEPT|http|100 B|1|`,
    ]);
    expect(html).toContain('<title>week &lt;1&gt;</title>');
    await expect(renderHtml(applyView(d, {}), { talkers: -1 })).rejects.toThrow(
      /options\.talkers must be a non-negative integer/,
    );
  });

  it('draws a diff: added, removed and changed edges, the table saying which', async () => {
    const next = await digestOf(
      row('10.0.0.1', '10.0.1.2', 0, 443, { bytes: 3_205_000 }),
      row('10.0.0.7', '10.0.1.3', 0, 22),
    );
    const html = await renderDiffHtml(diffDigests(d, next, { changed: true }));
    expectSelfContained(html);
    expect(parts(html).data.edges.map((e) => e.fields.govpc_diff)).toEqual(['REMOVED', 'REMOVED', 'ADDED', 'CHANGED']);
    expect(html).toContain(
      '<td class="kind changed">changed</td><td>10.0.0.1</td><td>10.0.1.2</td><td class="action">ACCEPT</td><td class="svc">https</td><td class="num">3.2 MB (+3.2 MB)</td>',
    );
  });
});

describe('-f html on the CLI', () => {
  const dir = tempDir();

  it.concurrent('dot writes it (-o *.html implies it), digest and diff too', async () => {
    const log = join(dir, 'next.log');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(log, `${[HEADER, row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 777 })].join('\n')}\n`);
    const [dot, digest, diff] = await Promise.all([
      runCli([
        'dot',
        'fixtures/golden/sample.digest.ndjson',
        '--top',
        '10',
        '--labels',
        'none',
        '-o',
        join(dir, 'top.html'),
      ]),
      runCli(['digest', 'fixtures/sample', '-f', 'html', '-q', '-w', '1', '-o', join(dir, 'all.html')]),
      runCli(['diff', 'fixtures/golden/sample.digest.log', log, '-f', 'html', '-q', '--no-legend']),
    ]);
    expect([dot.code, digest.code, diff.code]).toEqual([0, 0, 0]);
    expect(dot.stderr).toMatch(/→ 20 edges \(top 10 by bytes \+ 10 REJECT by records\), html in/);
    const top = readFileSync(join(dir, 'top.html'), 'utf8');
    expectSelfContained(top);
    expect(parts(top).data.edges).toHaveLength(20);
    const all = readFileSync(join(dir, 'all.html'), 'utf8');
    expectSelfContained(all);
    expect(parts(all).data.edges).toHaveLength(
      readFileSync('fixtures/golden/sample.digest.log', 'utf8').trim().split('\n').length - 1,
    );
    expectSelfContained(diff.stdout);
    const kinds = parts(diff.stdout).data.edges.map((e) => e.fields.govpc_diff);
    expect(kinds.filter((k) => k === 'ADDED')).toHaveLength(1);
    expect(kinds.length).toBeGreaterThan(500);
    expect(diff.stdout).not.toContain('>legend<');
  });

  it.concurrent('--labels is checked and suggested', async () => {
    const r = await runCli(['dot', 'fixtures/golden/sample.digest.log', '--labels', 'goo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--labels 'goo' must be one of human, go, none (did you mean go?)");
  });
});
