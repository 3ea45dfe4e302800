// DOT written by flowdigest reads back into the same digest (big sums, absent fields, record
// counts, parallel edges); anything else fails with the line that could not be read.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DigestParseError, digestToString } from '../dist/index.js';
import { dotToString, readGraphInput } from '../dist/graph/index.js';
import { digestOf, row } from './support/graph.js';

const read = (text: string) => readGraphInput(Readable.from([Buffer.from(text)]), { name: 'in.dot' });

describe('reading DOT back', async () => {
  const d = await digestOf(
    row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 18446744073709551615n, packets: 9007199254740993n.toString() }),
    row('10.0.0.1', '10.0.0.2', 0, 22),
    row('10.0.0.1', '10.0.0.2', 0, 80, { action: 'REJECT' }), // parallel edges
    row('trail\\', 'node', 0, 1, { account: 'unknown', eni: 'q"x' }),
    row('2600:1f18::1', 'é', 0, 1),
  );

  it('gives the digest it was written from', async () => {
    for (const options of [{}, { cluster: 'subnet' as const }, { writer: 'stream' as const, penwidth: false }]) {
      const back = await read(dotToString(d, options));
      expect(back.format).toBe('dot');
      expect(digestToString(back.digest, 'text')).toBe(digestToString(d, 'text'));
    }
  });

  it('keeps record counts and absent fields', async () => {
    const counted = await read(
      `{"account-id":"1","interface-id":"e","srcaddr":"a","dstaddr":"b","srcport":null,"dstport":443,"protocol":null,"packets":null,"bytes":null,"start":null,"end":null,"action":"ACCEPT","records":7}\n`,
    );
    const back = await read(dotToString(counted.digest));
    expect([...back.digest.rows()]).toEqual([...counted.digest.rows()]);
    expect([...back.digest.rows()][0]).toMatchObject({ records: 7, srcPort: null, start: null });
  });

  it('names the line it cannot read', async () => {
    await expect(read('digraph {\n  "a" -> "b" [color=red]\n}\n')).rejects.toThrow(
      /in\.dot:2: edge has no govpc_accountID attribute/,
    );
    await expect(read('digraph {\n  "a" -> "b" [govpc_accountID="1\n}\n')).rejects.toThrow(DigestParseError);
    await expect(read('digraph {\n  "a" -> "b" -> "c"\n}\n')).rejects.toThrow(/in\.dot:2: only single edges/);
  });
});
