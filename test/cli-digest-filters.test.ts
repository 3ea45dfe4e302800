// `digest --cidr/--port/--action` keep exactly the rows of the whole digest that the filters
// select (checked with node:net's BlockList, not flowdigest's CIDR code), and say so.
import { BlockList, isIP } from 'node:net';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

type Row = Record<string, string | number | null>;
const rowsOf = (ndjson: string): Row[] =>
  ndjson
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row)
    .filter((o) => !('stats' in o));

it.each([
  [['--action', 'REJECT'], { action: 'REJECT' }],
  [['--port', '443,53'], { ports: [443, 53] }],
  [['--cidr', '10.1.0.0/16,2600::/16'], { cidrs: ['10.1.0.0/16', '2600::/16'] }],
  [
    ['--cidr', '172.16.0.0/12', '--action', 'accept', '--port', '443'],
    { cidrs: ['172.16.0.0/12'], action: 'ACCEPT', ports: [443] },
  ],
] as const)('digest %j keeps the rows the filters select', async (args, f) => {
  const [whole, kept] = await Promise.all([
    runCli(['digest', 'fixtures/sample', '-w', '1', '-f', 'ndjson', '-q']),
    runCli(['digest', 'fixtures/sample', '-w', '1', '-f', 'ndjson', ...args]),
  ]);
  expect(kept.code).toBe(0);
  const block = new BlockList();
  for (const c of (f as { cidrs?: string[] }).cidrs ?? []) {
    const [net, bits] = c.split('/');
    block.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  }
  const inBlock = (a: string) => isIP(a) !== 0 && block.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  const g = f as { action?: string; ports?: number[]; cidrs?: string[] };
  const expected = rowsOf(whole.stdout).filter(
    (r) =>
      (g.action === undefined || r.action === g.action) &&
      (g.ports === undefined || g.ports.includes(r.srcport as number) || g.ports.includes(r.dstport as number)) &&
      (g.cidrs === undefined || inBlock(r.srcaddr as string) || inBlock(r.dstaddr as string)),
  );
  expect(expected.length).toBeGreaterThan(0);
  expect(rowsOf(kept.stdout)).toEqual(expected);
  expect(kept.stderr).toMatch(
    new RegExp(`filters .*: kept ${expected.length.toLocaleString('en-US')} of [\\d,]+ rows`),
  );
});

it('refuses a bad filter with exit code 2', async () => {
  const r = await runCli(['digest', 'fixtures/sample', '--cidr', '10.0.0.0/33']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--cidr '10\.0\.0\.0\/33' is not a CIDR range/);
});
