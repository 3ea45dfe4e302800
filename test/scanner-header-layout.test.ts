// A header line maps fields by name: custom orders (bytes before packets, extra v3-v5 fields,
// fields left out) digest to the same rows as the v2 order.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { bodyLines, lines, memory, rec, V2_FIELDS, V2_HEADER } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const values = { srcport: 50000, dstport: 443, packets: 3, bytes: 700, start: 1010, end: 1050 };

it('reads a custom order with bytes before packets and extra v3-v5 fields', async () => {
  const fields = [
    'version',
    'vpc-id',
    'srcaddr',
    'dstaddr',
    'bytes',
    'packets',
    'srcport',
    'dstport',
    'tcp-flags',
    'protocol',
    'interface-id',
    'account-id',
    'region',
    'end',
    'start',
    'log-status',
    'flow-direction',
    'action',
  ];
  const custom = {
    ...values,
    version: 5,
    'vpc-id': 'vpc-1',
    'tcp-flags': 19,
    region: 'us-east-1',
    'flow-direction': 'egress',
  };
  const d = await digester.digest([memory(lines(fields.join(' '), rec(custom, fields)))]);
  expect(d.stats).toMatchObject({ headers: 1, records: 1, digested: 1, malformed: 0 });
  expect(bodyLines(digestToString(d))).toEqual([
    '2 111122223333 eni-1 10.0.0.1 10.0.0.2 0 443 6 3 700 1010 1050 ACCEPT OK',
  ]);
});

it('gives the same digest for the v2 order with and without its header', async () => {
  const withHeader = await digester.digest([memory(lines(V2_HEADER, rec(values)))]);
  const without = await digester.digest([memory(lines(rec(values)))]);
  expect(digestToString(withHeader)).toBe(digestToString(without));
  expect(withHeader.stats.headers).toBe(1);
  expect(without.stats.headers).toBe(0);
});

it('prints - for fields the format leaves out, and treats a format without log-status as OK', async () => {
  const fields = ['srcaddr', 'dstaddr', 'dstport', 'srcport'];
  const d = await digester.digest([memory(lines(fields.join(' '), rec(values, fields)))]);
  expect(bodyLines(digestToString(d))).toEqual(['2 - - 10.0.0.1 10.0.0.2 0 443 - - - - - - OK']);
});

it('applies a header from the object it begins, never to the next object', async () => {
  const shuffled = ['dstaddr', ...V2_FIELDS.filter((f) => f !== 'dstaddr')];
  // Object o1's header must not leak into o0 nor o2 (both v2, no header).
  const d = await digester.digest([
    memory(lines(rec(values)), lines(shuffled.join(' '), rec(values, shuffled)), lines(rec(values))),
  ]);
  expect(d.stats).toMatchObject({ headers: 1, digested: 3, malformed: 0 });
  expect(d.size).toBe(1);
  // A valid header after the first line (concatenated objects) is counted, not malformed.
  const late = await digester.digest([memory(lines(rec(values), V2_HEADER))]);
  expect(late.stats).toMatchObject({ headers: 1, records: 1, malformed: 0 });
});
