// A text digest is itself a flow log: read back it gives the same text; re-digested by the
// engine it gives the same bytes (the kept port survives, unlike go-vpcflow's).
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, readDigest } from '../dist/index.js';
import { gzip, lines, memory, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const text = lines(
  rec({ srcport: 50000, dstport: 443 }),
  rec({ srcport: 443, dstport: 50000 }),
  rec({ srcport: 8080, dstport: 8080 }),
  rec({ srcport: 0, dstport: 0, protocol: 1 }),
  rec({ srcport: '-', dstport: '-', protocol: 47, 'account-id': 'unknown' }),
  rec({ bytes: 12345678901234567890n }),
);

it('readDigest(text) gives back the same text', async () => {
  const t = digestToString(await digester.digest([memory(text)]));
  const back = await readDigest(Readable.from([Buffer.from(t)]), 'd.log');
  expect(digestToString(back)).toBe(t);
  const gz = await readDigest(Readable.from([gzip(t)]), 'd.log.gz');
  expect(digestToString(gz)).toBe(t);
});

it('digesting a text digest again gives the same bytes', async () => {
  const t = digestToString(await digester.digest([memory(text)]));
  expect(t.split('\n')).toContain('2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 0 6 1 100 1000 1060 ACCEPT OK');
  expect(digestToString(await digester.digest([memory(t)]))).toBe(t);
});
