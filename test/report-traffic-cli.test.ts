// `report --key +flow-direction,pkt-src-aws-service,pkt-dst-aws-service` on version 5 logs: the
// traffic section in JSON, text and HTML, equal to the report of the keyed digest (NDJSON or
// text) and to sums computed here from the records.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-traffic-');
const V5 =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path';
const rec = (
  src: string,
  dst: string,
  sp: number,
  dp: number,
  pk: number,
  by: number,
  act: string,
  ss: string,
  ds: string,
  dir: string,
) =>
  `5 111 eni-a ${src} ${dst} ${sp} ${dp} 6 ${pk} ${by} 100 160 ${act} OK vpc-1 sub-1 i-1 2 IPv4 ${src} ${dst} us-east-1 use1-az1 - - ${ss} ${ds} ${dir} -`;
const records = [
  rec('10.0.0.1', '52.216.1.1', 40000, 443, 10, 1000, 'ACCEPT', '-', 'S3', 'egress'),
  rec('52.216.1.1', '10.0.0.1', 443, 40000, 12, 5000, 'ACCEPT', 'S3', '-', 'ingress'),
  rec('52.216.1.1', '10.0.0.1', 443, 40001, 3, 700, 'ACCEPT', 'S3', '-', 'ingress'),
  rec('8.8.8.8', '10.0.0.1', 53, 40001, 1, 80, 'REJECT', '-', '-', 'ingress'),
  rec('8.8.8.8', '10.0.0.2', 53, 40002, 1, 90, 'ACCEPT', '-', '-', 'ingress'),
];
const KEY = '+flow-direction,pkt-src-aws-service,pkt-dst-aws-service';

it('report --key adds the traffic section (JSON, text, HTML), as the keyed digest does', async () => {
  const logs = join(dir, 'v5.log');
  writeFileSync(logs, `${[V5, ...records].join('\n')}\n`);
  const json = await runCli(['report', logs, '--key', KEY, '-f', 'json', '-q']);
  expect(json.code).toBe(0);
  const traffic = JSON.parse(json.stdout).traffic;
  // Sums by (direction, source service, destination service), computed from the records above.
  expect(traffic).toEqual({
    fields: ['flow-direction', 'pkt-src-aws-service', 'pkt-dst-aws-service'],
    total: 3,
    top: [
      { direction: 'ingress', srcService: 'S3', dstService: '-', bytes: 5700, packets: 15, records: 2, rejected: 0 },
      { direction: 'egress', srcService: '-', dstService: 'S3', bytes: 1000, packets: 10, records: 1, rejected: 0 },
      { direction: 'ingress', srcService: '-', dstService: '-', bytes: 170, packets: 2, records: 2, rejected: 1 },
    ],
  });
  for (const f of ['ndjson', 'text']) {
    const digest = join(dir, `d.${f}`);
    expect((await runCli(['digest', logs, '--key', KEY, '-f', f, '-o', digest, '-q'])).code).toBe(0);
    const again = await runCli(['report', digest, '-f', 'json', '-q']);
    if (f === 'ndjson') expect(again.stdout).toBe(json.stdout);
    else {
      // A text digest keeps its key (named in its header) but not its record counts: each row is one record.
      const sums = (t: { top: Array<Record<string, unknown>> }) =>
        t.top.map(({ records: _r, rejected: _j, ...rest }) => rest);
      expect(sums(JSON.parse(again.stdout).traffic)).toEqual(sums(traffic));
    }
  }
  const text = await runCli(['report', logs, '--key', KEY, '-q']);
  expect(text.stdout).toContain('Traffic by flow-direction, pkt-src-aws-service, pkt-dst-aws-service, by bytes');
  expect(text.stdout).toMatch(/ingress\s+S3\s+-\s+5\.7 kB\s+15\s+2\s+0/);
  for (const line of text.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  const html = await runCli(['report', logs, '--key', '+flow-direction', '-f', 'html', '-q']);
  expect(html.stdout).toContain('<section id="traffic"><h2>Traffic by flow-direction, by bytes</h2>');
  // Without those fields in the key there is no such section.
  const plain = await runCli(['report', logs, '-f', 'json', '-q']);
  expect(JSON.parse(plain.stdout).traffic).toBeNull();
  expect((await runCli(['report', logs, '-q'])).stdout).not.toContain('Traffic by');
});

it('report --key naming an unknown field is a usage error with a did-you-mean', async () => {
  const r = await runCli(['report', join(dir, 'v5.log'), '--key', '+flow-directon', '-q']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('flow-direction');
});
