// Debian's headless Chromium with a page that may load only its own file: every other request
// is failed and recorded, and page errors and dialogs are recorded too. Shared by the browser
// tests of the graph page and the report page.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** A page on `html` (file:// only), with what it tried to fetch, threw and showed. */
export interface OfflinePage {
  browser: Browser;
  page: Page;
  offsite: string[];
  errors: string[];
  dialogs: string[];
}

export async function openOffline(html: string): Promise<OfflinePage> {
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  const page = await browser.newPage();
  const offsite: string[] = [],
    errors: string[] = [],
    dialogs: string[] = [];
  await page.setViewport({ width: 1400, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.url().startsWith('file:')) void req.continue();
    else {
      offsite.push(req.url());
      void req.abort();
    }
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  return { browser, page, offsite, errors, dialogs };
}
