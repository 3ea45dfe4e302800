/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The HTML view in a real browser: Debian's headless Chromium, driven by puppeteer-core, loads a
// page the CLI wrote (the sample plus hostile addresses) from a file:// URL with every
// non-file request failed. The SVG is there, search highlights a node, a click on an edge shows
// its fields, markup in the data stays text, and a screenshot is saved.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER } from './support/graph.js';
import { CHROMIUM, hasChromium, openOffline } from './support/chromium.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

if (!hasChromium)
  console.warn(`graph-html-browser: skipped, ${CHROMIUM} is missing (apt-get install chromium; .ci/run does)`);

const SAMPLE = 'fixtures/golden/sample.digest.ndjson';
const EVIL_SRC = '<script>window.__pwned=1</script>';
const EVIL_DST = '"><img/src=x/onerror=window.__pwned=2>';
const EVIL_ACCOUNT = '<svg/onload=window.__pwned=3>';
// Heavy enough to be in the top 40.
const EVIL = [
  HEADER,
  `2 111122223333 eni-1 ${EVIL_SRC} 10.0.0.1 0 443 6 5 99000000 1000 1060 ACCEPT OK`,
  `2 ${EVIL_ACCOUNT} eni-"x 10.0.0.1 ${EVIL_DST} 0 22 6 5 98000000 1000 1060 REJECT OK`,
];

interface EdgeData {
  id: string;
  src: string;
  dst: string;
  label: string;
  fields: Record<string, string>;
}

describe.skipIf(!hasChromium)('the HTML view in headless Chromium', () => {
  const dir = tempDir('flowdigest-html-');
  const html = join(dir, 'graph.html');
  let browser: Browser, page: Page, offsite: string[], dialogs: string[], errors: string[];
  let edges: EdgeData[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'evil.log'), `${EVIL.join('\n')}\n`);
    const r = await runCli([
      'dot',
      SAMPLE,
      join(dir, 'evil.log'),
      '--top',
      '40',
      '--top-rejected',
      '0',
      '-q',
      '-o',
      html,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(html, 'utf8');
    edges = (
      JSON.parse(/<script type="application\/json" id="flowdigest-data">([^<]*)<\/script>/.exec(text)![1]) as {
        edges: EdgeData[];
      }
    ).edges;
    ({ browser, page, offsite, dialogs, errors } = await openOffline(html));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the SVG, with every edge, pan/zoom attached and no request off the file', async () => {
    const state = await page.evaluate(() => ({
      svg: document.querySelectorAll('#graph > svg').length,
      edges: document.querySelectorAll('#graph g.edge').length,
      panZoom: typeof (window as unknown as { svgPanZoom?: unknown }).svgPanZoom,
      viewport: document.querySelectorAll('.svg-pan-zoom_viewport').length,
    }));
    expect(state).toEqual({ svg: 1, edges: 40, panZoom: 'function', viewport: 1 });
    expect(edges).toHaveLength(40);
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('clicking an edge shows all its fields', async () => {
    // The heaviest kafka edge of the sample, from the golden digest itself.
    const golden = readFileSync(SAMPLE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((o) => o.srcaddr === '10.38.51.40' && o.dstaddr === '10.38.38.54')[0];
    const edge = edges.find((e) => e.src === golden.srcaddr && e.dst === golden.dstaddr)!;
    await page.click(`#${edge.id} text`);
    const rows = await page.$$eval('#fields tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const shown = Object.fromEntries(rows as [string, string][]);
    expect(shown).toMatchObject({
      from: golden.srcaddr,
      to: golden.dstaddr,
      govpc_accountID: golden['account-id'],
      govpc_eniID: golden['interface-id'],
      govpc_srcPort: String(golden.srcport),
      govpc_dstPort: String(golden.dstport),
      govpc_protocol: String(golden.protocol),
      govpc_bytes: String(golden.bytes),
      govpc_packets: String(golden.packets),
      govpc_action: golden.action,
    });
    expect(Object.keys(shown).filter((k) => k.startsWith('govpc_'))).toHaveLength(11);
    expect(await page.$eval(`#${edge.id}`, (g) => g.classList.contains('selected'))).toBe(true);
  });

  it('searching an address highlights its node', async () => {
    await page.type('#search', '10.38.28.244');
    const hit = await page.evaluate(() => ({
      titles: [...document.querySelectorAll('g.node.hit title')].map((t) => t.textContent),
      hits: document.getElementById('hits')!.textContent,
      dimmed: document.body.classList.contains('searching'),
    }));
    expect(hit).toEqual({ titles: ['10.38.28.244'], hits: '1 match', dimmed: true });
    await page.$eval('#search', (i) => {
      (i as HTMLInputElement).value = '10.38.28';
      i.dispatchEvent(new Event('input'));
    });
    expect(await page.$$eval('g.node.hit title', (ts) => ts.map((t) => t.textContent).sort())).toEqual([
      '10.38.28.244',
      '10.38.28.69',
    ]);
  });

  it('keeps markup in addresses and accounts as text: nothing runs, no dialog', async () => {
    await page.$eval('#search', (i) => {
      (i as HTMLInputElement).value = '<script>';
      i.dispatchEvent(new Event('input'));
    });
    expect(await page.$$eval('g.node.hit title', (ts) => ts.map((t) => t.textContent))).toEqual([EVIL_SRC]);
    const evil = edges.find((e) => e.dst === EVIL_DST)!;
    expect(evil.fields.govpc_accountID).toBe(EVIL_ACCOUNT);
    await page.$eval(`#${evil.id} text`, (t) => t.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    const shown = Object.fromEntries(
      (await page.$$eval('#fields tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      )) as [string, string][],
    );
    expect([shown.to, shown.govpc_accountID]).toEqual([EVIL_DST, EVIL_ACCOUNT]);
    const page_ = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      scripts: document.scripts.length,
      images: document.images.length,
      talkers: [...document.querySelectorAll('#talkers td')]
        .map((td) => td.textContent)
        .filter((t) => t!.includes('window.__pwned')),
    }));
    // Our three scripts: the JSON data, svg-pan-zoom, the page's own.
    expect(page_).toEqual({ pwned: null, scripts: 3, images: 0, talkers: [EVIL_SRC, EVIL_DST] });
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(offsite).toEqual([]);
  });

  it('saves a screenshot', async () => {
    const shot = join(dir, 'graph.png');
    await page.screenshot({ path: shot });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});
