// Renders the README pictures: the bundled sample's digest (fixtures/golden, the digest of
// fixtures/sample), its 12 heaviest edges in the default look and
// in go-vpcflow's (`--labels go`), as SVG by the CLI (wasm Graphviz), then PNG by Debian's
// headless Chromium. Run from the repository root after `npm run build`:
//   node docs/pictures.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const dir = mkdtempSync(join(tmpdir(), 'flowdigest-pictures-'));
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
try {
  for (const [name, extra] of [['graph-default', []], ['graph-go', ['--labels', 'go']]]) {
    const svgFile = join(dir, `${name}.svg`);
    execFileSync(process.execPath, ['dist/cli/main.js', 'dot', 'fixtures/golden/sample.digest.ndjson', '--top', '12', ...extra, '-q', '-o', svgFile], { stdio: 'inherit' });
    const svg = readFileSync(svgFile, 'utf8');
    const page = await browser.newPage();
    await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:#fff">${svg.slice(svg.indexOf('<svg'))}</body></html>`);
    const size = await page.$eval('svg', (s) => { const r = s.getBoundingClientRect(); return { width: Math.ceil(r.width), height: Math.ceil(r.height) }; });
    await page.setViewport({ ...size, deviceScaleFactor: 1 });
    const out = `docs/${name}.png`;
    await (await page.$('svg')).screenshot({ path: out });
    await page.close();
    console.log(`${out}: ${size.width}x${size.height} px, ${Math.round(statSync(out).size / 1024)} KB`);
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
