// Links inside an input directory: a dangling link or a loop of links is passed over and counted
// under its reason (never failing the run); a link to a directory is walked, each directory
// (device + inode) at most once, so a loop back to an ancestor adds nothing twice. A FIFO named
// explicitly (`<(zcat a.gz)`) is read as a stream.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { gzip, lines, rec, writeFiles } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { CLI } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());
const dir = tempDir();
const texts = { a: lines(rec({ srcaddr: 'a' })), b: lines(rec({ srcaddr: 'b' })), c: lines(rec({ srcaddr: 'c' })) };

it('passes over dangling links and link loops, counted, and walks linked directories once', async () => {
  const root = join(dir, 'tree');
  writeFiles(root, { 'logs/a.log': texts.a, 'logs/deep/b.log.gz': gzip(texts.b) });
  writeFiles(join(dir, 'elsewhere'), { 'c.log': texts.c });
  symlinkSync(join(root, 'missing.log'), join(root, 'logs', 'dangling.log'));
  symlinkSync('self.log', join(root, 'logs', 'self.log'));
  symlinkSync(root, join(root, 'logs', 'deep', 'up')); // a loop back to an ancestor
  symlinkSync(join(dir, 'elsewhere'), join(root, 'other')); // a linked directory, walked
  symlinkSync(join(dir, 'elsewhere'), join(root, 'same-again')); // the same directory again
  symlinkSync(join(root, 'logs', 'a.log'), join(root, 'link-to-a.log')); // the same file again
  for (const skipBad of [false, true]) {
    const d = await digester.digest([root], { skipBadObjects: skipBad });
    const want = referenceDigest([
      { name: 'a', text: texts.a },
      { name: 'b', text: texts.b },
      { name: 'c', text: texts.c },
    ]);
    expect(digestToString(d)).toBe(want.text);
    // The link to a.log is the same file (device and inode): read once, the repeat counted.
    expect(d.stats.objects).toBe(3);
    expect(d.stats.listingSkipped).toEqual({
      dangling_symlink: 1,
      symlink_loop: 1,
      directory_already_walked: 2,
      already_listed: 1,
    });
  }
});

it('reads an explicit FIFO as a stream, gzip or not', async () => {
  for (const body of [Buffer.from(texts.a + texts.b), gzip(texts.a + texts.b)]) {
    const fifo = join(dir, `fifo-${body.length}`);
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, 'digest', fifo, '-f', 'ndjson', '-q'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [],
      err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    createWriteStream(fifo).end(body);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(Buffer.concat(err).toString()).toBe('');
    expect(code).toBe(0);
    const rows = Buffer.concat(out).toString().trim().split('\n');
    expect(rows.slice(0, -1)).toEqual(referenceDigest([{ name: 'ab', text: texts.a + texts.b }]).ndjsonRows);
    expect(JSON.parse(rows.at(-1)!).stats).toMatchObject({ objects: 1, digested: 2 });
  }
});
