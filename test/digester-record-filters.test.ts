// accounts / regions select records by their own fields when the object's key path says nothing.
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString, FormatError } from '../dist/index.js';
import { bodyLines, lines, memory, MemorySource, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const accountsOf = (text: string) => bodyLines(text).map((l) => l.split(' ')[1]);

it('keeps only records of the selected accounts', async () => {
  const text = lines(
    rec({ 'account-id': '111111111111' }),
    rec({ 'account-id': '222222222222' }),
    rec({ 'account-id': 'unknown' }),
    rec({ 'account-id': '333333333333' }),
  );
  const d = await digester.digest([memory(text)], { accounts: ['222222222222', 'unknown'] });
  expect(accountsOf(digestToString(d))).toEqual(['222222222222', 'unknown']);
  expect(d.stats).toMatchObject({ digested: 2, filtered: 2 });
});

it('keeps only records of the selected regions, read from a region field', async () => {
  const fields = ['version', 'account-id', 'region', 'srcaddr', 'dstaddr', 'bytes'];
  const text = lines(
    fields.join(' '),
    ...['us-east-1', 'eu-west-1', 'ap-south-1'].map((region) => rec({ region, srcaddr: region }, fields)),
  );
  const d = await digester.digest([memory(text)], { regions: ['eu-west-1', 'ap-south-1'] });
  expect(bodyLines(digestToString(d)).map((l) => l.split(' ')[3])).toEqual(['ap-south-1', 'eu-west-1']);
  expect(d.stats).toMatchObject({ digested: 2, filtered: 1 });
});

it('lets the key path decide for a whole object when it names account and region', async () => {
  const source = new MemorySource([
    {
      key: 'kept',
      body: lines(rec({ 'account-id': 'other', srcaddr: 'kept' })),
      account: '111122223333',
      region: 'us-east-1',
    },
    { key: 'pruned', body: lines(rec({ srcaddr: 'pruned' })), account: '999999999999', region: 'us-east-1' },
  ]);
  const d = await digester.digest([source], { accounts: ['111122223333'] });
  expect(bodyLines(digestToString(d)).map((l) => l.split(' ')[3])).toEqual(['kept']);
  expect(d.stats.listingSkipped).toEqual({ not_selected: 1 });
  expect(d.stats.objects).toBe(1);
});

it('rejects a region selection when neither key nor records carry a region', async () => {
  await expect(digester.digest([memory(lines(rec()))], { regions: ['us-east-1'] })).rejects.toBeInstanceOf(FormatError);
});
