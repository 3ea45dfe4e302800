// Renders the README pictures: the bundled sample's digest (fixtures/golden, the digest of
// fixtures/sample), its 12 heaviest edges in the default look and in go-vpcflow's
// (`--labels go`), and a small diff; as SVG by the CLI (wasm Graphviz), then PNG by Debian's
// headless Chromium. Run from the repository root after `npm run build`:
//   node docs/pictures.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const dir = mkdtempSync(join(tmpdir(), 'flowdigest-pictures-'));
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
// A small diff: one edge grows, one REJECT goes, two edges appear (one from an IPv6 address).
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const flow = (src, dst, port, bytes, action = 'ACCEPT') =>
  `2 123456789012 eni-1 ${src} ${dst} 0 ${port} 6 5 ${bytes} 1000 1060 ${action} OK`;
writeFileSync(
  join(dir, 'monday.log'),
  [HEADER, flow('10.0.0.1', '10.0.0.2', 443, 1000000), flow('10.0.0.1', '10.0.0.3', 22, 500, 'REJECT')].join('\n') +
    '\n',
);
writeFileSync(
  join(dir, 'tuesday.log'),
  `${[
    HEADER,
    flow('10.0.0.1', '10.0.0.2', 443, 4200000),
    flow('10.0.0.9', '10.0.0.3', 22, 500),
    flow('2600:1F18:0:0:0:0:0:9', '10.0.0.2', 443, 500),
  ].join('\n')}\n`,
);
const pictures = [
  ['graph-default', ['dot', 'fixtures/golden/sample.digest.ndjson', '--top', '12']],
  ['graph-go', ['dot', 'fixtures/golden/sample.digest.ndjson', '--top', '12', '--labels', 'go']],
  ['diff-default', ['diff', join(dir, 'monday.log'), join(dir, 'tuesday.log'), '--changed']],
];
try {
  for (const [name, args] of pictures) {
    const svgFile = join(dir, `${name}.svg`);
    execFileSync(process.execPath, ['dist/cli/main.js', ...args, '-q', '-o', svgFile], { stdio: 'inherit' });
    const svg = readFileSync(svgFile, 'utf8');
    const page = await browser.newPage();
    await page.setContent(
      `<!DOCTYPE html><html><body style="margin:0;background:#fff">${svg.slice(svg.indexOf('<svg'))}</body></html>`,
    );
    const size = await page.$eval('svg', (s) => {
      const r = s.getBoundingClientRect();
      return { width: Math.ceil(r.width), height: Math.ceil(r.height) };
    });
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
