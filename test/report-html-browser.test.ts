/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The report page in headless Chromium (puppeteer-core, file:// only, every other request
// failed): the report's tables come first and show what the JSON says, the graph is below
// with real addresses and the action in its table, hostile addresses stay text, nothing runs
// but the page's own scripts, and nothing is fetched.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER } from './support/graph.js';
import { CHROMIUM, hasChromium, openOffline } from './support/chromium.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

if (!hasChromium) console.warn(`report-html-browser: skipped, ${CHROMIUM} is missing`);

const SAMPLE = 'fixtures/golden/sample.digest.ndjson';
const EVIL_SRC = '<script>window.__pwned=1</script>';
const EVIL_DST = '"><img/src=x/onerror=window.__pwned=2>';
const EVIL = [
  HEADER,
  `2 111122223333 eni-1 ${EVIL_SRC} 10.0.0.1 0 443 6 5 990000000 1000 1060 ACCEPT OK`,
  `2 111122223333 eni-1 10.0.0.1 ${EVIL_DST} 0 22 6 5 980000000 1000 1060 REJECT OK`,
];

describe.skipIf(!hasChromium)('the report page in headless Chromium', () => {
  const dir = tempDir('flowdigest-report-html-');
  const html = join(dir, 'report.html');
  let browser: Browser, page: Page, offsite: string[], errors: string[];
  let json: {
    talkers: { top: { address: string }[] };
    rejected: { sources: { top: { address: string }[] } };
    exposed: { total: number };
  };

  beforeAll(async () => {
    writeFileSync(join(dir, 'evil.log'), `${EVIL.join('\n')}\n`);
    const args = ['report', SAMPLE, join(dir, 'evil.log'), '--top', '5', '--graph-top', '30', '-q'];
    const r = await runCli([...args, '-o', html]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    json = JSON.parse((await runCli([...args, '-f', 'json'])).stdout);
    ({ browser, page, offsite, errors } = await openOffline(html));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('leads with the report tables, then the graph', async () => {
    const state = await page.evaluate(() => {
      const lead = document.getElementById('lead')!;
      const graph = document.getElementById('graph')!;
      return {
        sections: [...lead.querySelectorAll('section')].map((s) => s.id),
        leadFirst: (lead.compareDocumentPosition(graph) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
        leadTop: lead.getBoundingClientRect().top,
        graphTop: graph.getBoundingClientRect().top,
        graphHeight: graph.getBoundingClientRect().height,
        svg: document.querySelectorAll('#graph > svg').length,
        title: document.title,
        talkers: [...document.querySelectorAll('#talkers-by-bytes tbody tr td:first-child')].map(
          (td) => td.textContent,
        ),
        rejected: [...document.querySelectorAll('#rejected-sources tbody tr td:first-child')].map(
          (td) => td.textContent,
        ),
        graphTable: [...document.querySelectorAll('#talkers thead th')].map((th) => th.textContent),
      };
    });
    expect(state.sections).toEqual([
      'totals',
      'talkers-by-bytes',
      'listeners',
      'rejected-sources',
      'rejected-ports',
      'exposed',
      'probes',
    ]);
    expect(state.leadFirst).toBe(true);
    expect(state.graphTop).toBeGreaterThan(state.leadTop);
    expect(state.graphHeight).toBeGreaterThan(300);
    expect(state.svg).toBe(1);
    expect(state.title).toMatch(/^flowdigest report: 1970-01-01 00:16:40Z to 2026-01-15 /);
    expect(state.talkers).toEqual(json.talkers.top.map((t) => t.address));
    expect(state.talkers[0]).toBe(EVIL_SRC);
    expect(state.rejected).toEqual(json.rejected.sources.top.map((t) => t.address));
    expect(state.graphTable).toEqual(['from', 'to', 'action', 'service', 'bytes', 'flows']);
    expect(json.exposed.total).toBeGreaterThan(0);
  });

  it('keeps hostile addresses as text: no script ran, nothing was fetched', async () => {
    const result = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      scripts: document.scripts.length,
      images: document.images.length,
      evil: [...document.querySelectorAll('#lead td')]
        .map((td) => td.textContent)
        .filter((t) => t!.includes('__pwned')),
    }));
    expect(result.pwned).toBeNull();
    expect(result.scripts).toBe(3);
    expect(result.images).toBe(0);
    expect(new Set(result.evil)).toEqual(new Set([EVIL_SRC, EVIL_DST]));
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('Content-Security-Policy');
    expect(text).not.toContain(EVIL_SRC);
  });
});
