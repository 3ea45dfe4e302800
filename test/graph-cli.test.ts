// The dot and diff commands, spawned: inputs from files and stdin, DOT and SVG, `digest -f dot`,
// Debian's `dot` when installed, and usage errors (exit 2) that name the flag.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeLines, graphvizAccepts, HEADER, row } from './support/graph.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const GOLDEN = 'fixtures/golden/sample.digest.log';
const GOLDEN_NDJSON = 'fixtures/golden/sample.digest.ndjson'; // keeps record counts, which govpc_records shows
const EDGE_CASES = 'fixtures/sample/edge-cases.log';
const hasGraphviz = spawnSync('dot', ['-V']).status === 0;

describe('flowdigest dot', () => {
  it.concurrent('draws a raw flow log from stdin, counting malformed records', async () => {
    const r = await runCli(['dot'], { stdin: readFileSync(EDGE_CASES) });
    expect(r.code).toBe(0);
    await graphvizAccepts(r.stdout);
    expect(edgeLines(r.stdout).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/^dot: \d+ rows \(text\), 2 malformed records skipped \(first: stdin:3: /);
  });

  it.concurrent('draws the same graph from the digest as digest -f dot does from the logs', async () => {
    const [fromDigest, fromLogs] = await Promise.all([
      runCli(['dot', GOLDEN_NDJSON, '-q']),
      runCli(['digest', 'fixtures/sample', '-f', 'dot', '-q', '-w', '1']),
    ]);
    expect(fromDigest.code).toBe(0);
    expect(fromLogs.stdout).toBe(fromDigest.stdout);
    expect(edgeLines(fromDigest.stdout)).toHaveLength(readFileSync(GOLDEN, 'utf8').trim().split('\n').length - 1);
  });

  it.concurrent('renders SVG in-process, inferred from -o *.svg', async () => {
    const out = join(tempDir(), 'top.svg');
    const r = await runCli(['dot', GOLDEN, '--top', '5', '--collapse-external', '--cluster', 'account', '-o', out]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    const m = /→ (\d+) edges \(top 5 by bytes \+ (\d+) REJECT by records\), svg in/.exec(r.stderr)!;
    expect(Number(m[1])).toBe(5 + Number(m[2]));
    expect(svg.match(/class="edge"/g)).toHaveLength(Number(m[1]));
    expect(svg).toContain('flowdigest graph: 2026&#45;01&#45;15 16:19:17Z to ');
  });

  it.skipIf(!hasGraphviz)("pipes into Debian's dot -Tsvg", async () => {
    const r = await runCli(['dot', EDGE_CASES, '--cluster', 'subnet', '-q']);
    const svg = execFileSync('dot', ['-Tsvg'], { input: r.stdout }).toString();
    expect(svg).toContain('</svg>');
  });

  it.concurrent.each([
    [['--cidr', '10.0.0.0/33'], "--cidr '10.0.0.0/33' is not a CIDR range"],
    [['--collapse', '10.1.2.3/16'], "--collapse '10.1.2.3/16' has host bits set (did you mean 10.1.0.0/16?)"],
    [['--port', '99999'], "--port '99999' must be a port number"],
    [['--cluster', 'acount'], "--cluster 'acount' must be one of account, subnet (did you mean account?)"],
    [['--action', 'rejct'], "--action 'REJCT' must be one of ACCEPT, REJECT (did you mean REJECT?)"],
    [['--top', '0'], "--top '0' must be an integer from 1 to 1000000000"],
    [['--colapse-external'], 'unknown option --colapse-external (did you mean --collapse-external?)'],
  ])('%j is a usage error naming the flag', async (args, message) => {
    const r = await runCli(['dot', GOLDEN, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Try 'flowdigest dot --help'.");
  });

  it.concurrent('fails with exit 1 on a missing input', async () => {
    const r = await runCli(['dot', 'no/such.log']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no/such.log: no such file [FD_ERR_INPUT]');
  });
});

describe('flowdigest diff', () => {
  const dir = tempDir();
  const prev = join(dir, 'prev.log'),
    next = join(dir, 'next.log');
  writeFileSync(
    prev,
    `${[HEADER, row('10.0.0.1', '10.0.0.2', 0, 443), row('10.0.0.1', '10.0.0.3', 0, 22)].join('\n')}\n`,
  );
  writeFileSync(
    next,
    `${[HEADER, row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 150 }), row('10.0.0.9', '10.0.0.3', 0, 22)].join('\n')}\n`,
  );

  it.concurrent('prints text with --changed, NEXT from stdin', async () => {
    const r = await runCli(['diff', prev, '-', '-f', 'text', '--changed'], { stdin: readFileSync(next) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${[
        '- 2 111122223333 eni-1 10.0.0.1 10.0.0.3 0 22 6 1 100 1000 1060 ACCEPT OK',
        '+ 2 111122223333 eni-1 10.0.0.9 10.0.0.3 0 22 6 1 100 1000 1060 ACCEPT OK',
        '~ 2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 1 150 1000 1060 ACCEPT OK packets=0 bytes=+50 start=0 end=0',
      ].join('\n')}\n`,
    );
    expect(r.stderr).toMatch(/^diff: 1 removed, 1 added, 1 changed; 1 in both \(PREVIOUS 2 rows, NEXT 2\)/);
  });

  it.concurrent('writes DOT that reads back as a NEXT, and Graphviz takes', async () => {
    const out = join(dir, 'd.dot');
    const r = await runCli(['diff', prev, next, '-o', out, '-q']);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    await graphvizAccepts(text);
    expect(edgeLines(text).map((l) => /govpc_diff=(\w+)/.exec(l)![1])).toEqual(['REMOVED', 'ADDED']);
    const again = await runCli(['diff', next, out, '-f', 'ndjson', '-q']);
    expect(again.stdout.trim().split('\n').at(-1)).toBe(
      '{"summary":{"previousRows":2,"nextRows":2,"removed":1,"added":1,"changed":0,"common":1}}',
    );
  });

  it.concurrent.each([
    [[GOLDEN], 'name two digests, PREVIOUS and NEXT (got 1)'],
    [['-', '-'], 'stdin (-) can be named only once'],
    [[GOLDEN, GOLDEN, '-f', 'png'], "-f 'png' must be one of dot, svg, html, text, ndjson"],
  ])('%j is a usage error', async (args, message) => {
    const r = await runCli(['diff', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

it.concurrent('help lists the commands and suggests them', async () => {
  const [main, dot, diff, typo] = await Promise.all([
    runCli(['--help']),
    runCli(['dot', '--help']),
    runCli(['diff', '--help']),
    runCli(['dif']),
  ]);
  expect(main.stdout).toMatch(/\n {2}dot {6}.*\n {2}diff {5}/);
  expect(dot.stdout).toContain('--collapse-external');
  expect(diff.stdout).toContain('govpc_diff="REMOVED"');
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain("unknown command 'dif' (did you mean diff?)");
});
