// S3 listing over both key layouts, with and without hour partitions, among junk keys and size-0
// objects: whole-prefix listings count what they pass over, planned listings list only the
// days or hours a window can touch, and pagination goes past 1,000 keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { createS3Client, type ListSelection, type ObjectRef, S3Source } from '../dist/index.js';
import { putObjects, startS3rver, type S3rverHandle } from './support/s3rver.js';

const BUCKET = 'listing-layouts';
const ACCOUNT = '111111111111';
const OTHER = '222222222222';
const pad = (n: number) => String(n).padStart(2, '0');

type Layout = 'default' | 'hive';
function flowKey(
  prefix: string,
  layout: Layout,
  hourly: boolean,
  account: string,
  region: string,
  t: Date,
  n = 0,
): string {
  const [y, m, d, h, mi] = [
    t.getUTCFullYear(),
    pad(t.getUTCMonth() + 1),
    pad(t.getUTCDate()),
    pad(t.getUTCHours()),
    pad(t.getUTCMinutes()),
  ];
  const dir =
    layout === 'hive'
      ? `AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${region}/year=${y}/month=${m}/day=${d}/${hourly ? `hour=${h}/` : ''}`
      : `AWSLogs/${account}/vpcflowlogs/${region}/${y}/${m}/${d}/${hourly ? `${h}/` : ''}`;
  return `${prefix}${dir}${account}_vpcflowlogs_${region}_fl-0a1b2c3d4e5f6a7b${n}_${y}${m}${d}T${h}${mi}Z_${String(n).padStart(8, '0')}.log.gz`;
}
// One record ending inside the file's five minutes.
const body = (account: string, t: Date) =>
  gzipSync(
    `2 ${account} eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 100 ${t.getTime() / 1000 - 30} ${t.getTime() / 1000 + 60} ACCEPT OK\n`,
  );

// Files every 20 minutes from 2026-01-15T22:00Z to 2026-01-16T02:00Z: the window below crosses midnight.
const STAMPS = Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2026, 0, 15, 22, 20 * i)));
const VARIANTS = [
  ['dd/', 'default', false],
  ['dh/', 'default', true],
  ['hd/', 'hive', false],
  ['hh/', 'hive', true],
] as const;

let s3: S3rverHandle;
const opts = () => ({ endpoint: s3.endpoint, forcePathStyle: true });

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  const client = await createS3Client(opts());
  const objects: { key: string; body: Uint8Array | string }[] = [];
  for (const [prefix, layout, hourly] of VARIANTS) {
    for (const account of [ACCOUNT, OTHER]) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        for (const t of STAMPS)
          objects.push({ key: flowKey(prefix, layout, hourly, account, region, t), body: body(account, t) });
      }
    }
    const first = flowKey(prefix, layout, hourly, ACCOUNT, 'us-east-1', STAMPS[0]);
    const dayDir = first.slice(0, first.lastIndexOf('/') + 1);
    objects.push(
      { key: `${prefix}AWSLogs/`, body: '' }, // console-made "folders"
      { key: dayDir, body: '' },
      { key: flowKey(prefix, layout, hourly, ACCOUNT, 'us-east-1', STAMPS[1], 9), body: '' }, // an empty delivery
      { key: `${dayDir}notes.txt`, body: 'not a log' },
      // A name whose date disagrees with its folder.
      {
        key: `${dayDir}${ACCOUNT}_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f6a7b8_20250101T0000Z_00000008.log.gz`,
        body: body(ACCOUNT, STAMPS[0]),
      },
      { key: `${prefix}AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/01/15/trail.json.gz`, body: 'other service' },
      { key: `${prefix}README`, body: 'hello' },
    );
  }
  await putObjects(client, BUCKET, objects);
  client.destroy();
});
afterAll(() => s3?.stop());

async function list(source: S3Source, selection?: ListSelection) {
  const refs: ObjectRef[] = [];
  const skipped: Record<string, number> = {};
  const ctx = {
    signal: new AbortController().signal,
    skip: (_key: string, why: string) => {
      skipped[why] = (skipped[why] ?? 0) + 1;
    },
    selection,
  };
  for await (const ref of source.list(ctx)) refs.push(ref);
  return { refs, skipped, stats: source.listStats };
}

describe.each(VARIANTS)('prefix %s (%s layout, hourly %s)', (prefix, layout, hourly) => {
  it('lists every flow-log object and counts the rest by reason', async () => {
    const { refs, skipped, stats } = await list(new S3Source(`s3://${BUCKET}/${prefix}`, opts()));
    expect(refs).toHaveLength(4 * STAMPS.length);
    expect(refs.every((r) => r.key.startsWith(`s3://${BUCKET}/${prefix}AWSLogs/`) && r.size > 0)).toBe(true);
    expect(refs[0]).toMatchObject({
      account: expect.stringMatching(/^\d{12}$/),
      region: expect.any(String),
      timestamp: expect.any(Date),
    });
    expect(skipped).toEqual({ empty: 3, not_flow_log_name: 3, path_name_mismatch: 1 });
    expect(stats).toMatchObject({
      planned: false,
      listRequests: 1,
      objectsListed: 4 * STAMPS.length + 7,
      listings: [`s3://${BUCKET}/${prefix}`],
    });
  });

  it('plans a window: only the hours or days it touches, then stamps within the slack', async () => {
    // Records ending in [23:30, 00:30) can be in files stamped [23:15, 00:40).
    const selection = { start: new Date('2026-01-15T23:30:00Z'), end: new Date('2026-01-16T00:30:00Z') };
    const { refs, skipped, stats } = await list(new S3Source(`s3://${BUCKET}/${prefix}`, opts()), selection);
    const stamps = [...new Set(refs.map((r) => r.timestamp!.toISOString()))].sort();
    expect(stamps).toEqual([
      '2026-01-15T23:20:00.000Z',
      '2026-01-15T23:40:00.000Z',
      '2026-01-16T00:00:00.000Z',
      '2026-01-16T00:20:00.000Z',
    ]);
    expect(refs).toHaveLength(4 * 4);
    expect(stats.planned).toBe(true);
    expect(stats.folders).toBe(4);
    const day = layout === 'hive' ? 'year=2026/month=01/day=' : '2026/01/';
    const hour = layout === 'hive' ? 'hour=' : '';
    const folder = `s3://${BUCKET}/${prefix}${layout === 'hive' ? `AWSLogs/aws-account-id=${OTHER}/aws-service=vpcflowlogs/aws-region=us-east-1/` : `AWSLogs/${OTHER}/vpcflowlogs/us-east-1/`}`;
    if (hourly) {
      // The hours touched, and each day's daily files of the same account.
      expect(stats.listings.filter((l) => l.startsWith(folder))).toEqual([
        `${folder}${day}15/${hour}23/`,
        `${folder}${day}15/${OTHER}_`,
        `${folder}${day}16/${hour}00/`,
        `${folder}${day}16/${OTHER}_`,
      ]);
      expect(stats.listings).toHaveLength(4 * 4);
      expect(skipped).toEqual({ outside_window: 4 * 2 }); // 23:00 and 00:40 share the listed hours
      expect(stats.objectsListed - stats.listRequests).toBeLessThan(4 * 6); // discovery reads a key per request
    } else {
      expect(stats.listings.filter((l) => l.startsWith(folder))).toEqual([`${folder}${day}15/`, `${folder}${day}16/`]);
      expect(stats.listings).toHaveLength(4 * 2);
      // Whole days: all 13 stamps of each folder are listed, 9 of them passed over.
      expect(skipped).toMatchObject({ outside_window: 4 * (STAMPS.length - 4) });
    }
  });

  it('takes named accounts and regions as given, without scanning for others', async () => {
    const selection = { accounts: [OTHER], regions: ['eu-west-1'] };
    const { refs, stats } = await list(new S3Source(`s3://${BUCKET}/${prefix}`, opts()), selection);
    expect(refs).toHaveLength(STAMPS.length);
    expect(refs.every((r) => r.account === OTHER && r.region === 'eu-west-1')).toBe(true);
    // A probe per layout for the one account/region, then its folder.
    expect(stats.listRequests).toBe(3);
  });
});

it('a prefix inside AWSLogs/ narrows the plan', async () => {
  const selection = { start: new Date('2026-01-15T23:30:00Z'), end: new Date('2026-01-16T00:30:00Z') };
  const { refs, stats } = await list(
    new S3Source(`s3://${BUCKET}/dd/AWSLogs/${ACCOUNT}/vpcflowlogs/eu-west-1/2026/01/16/`, opts()),
    selection,
  );
  expect(refs.map((r) => r.timestamp!.toISOString())).toEqual(['2026-01-16T00:00:00.000Z', '2026-01-16T00:20:00.000Z']);
  expect(stats.listings).toEqual([`s3://${BUCKET}/dd/AWSLogs/${ACCOUNT}/vpcflowlogs/eu-west-1/2026/01/16/`]);
});

it('pages through more than 1,000 keys', async () => {
  const client = await createS3Client(opts());
  const t0 = Date.UTC(2026, 1, 1);
  // A file a minute for 1,100 minutes, all on one day.
  const many = Array.from({ length: 1100 }, (_, i) =>
    flowKey('many/', 'default', true, ACCOUNT, 'us-east-1', new Date(t0 + i * 60_000), i % 10),
  );
  await putObjects(
    client,
    BUCKET,
    many.map((key) => ({ key, body: 'x' })),
  );
  client.destroy();
  const whole = await list(new S3Source(`s3://${BUCKET}/many`, opts()));
  expect(whole.refs).toHaveLength(1100);
  expect(whole.stats).toMatchObject({ listRequests: 2, objectsListed: 1100 });
  // The whole day, planned: one day listing of two pages.
  const day = await list(new S3Source(`s3://${BUCKET}/many/`, opts()), {
    start: new Date(t0 + 15 * 60_000),
    end: new Date(t0 + 24 * 3_600_000 - 10 * 60_000),
  });
  expect(day.refs).toHaveLength(1100);
  expect(new Set(day.refs.map((r) => r.key)).size).toBe(1100);
  expect(day.stats.objectsListed).toBeGreaterThanOrEqual(1101); // discovery's keys, then all 1,100
  // One hour: its 60 files, plus the slack's 15 before and 10 after (the 10 after come with their hour).
  const hour = await list(new S3Source(`s3://${BUCKET}/many/`, opts()), {
    start: new Date(t0 + 5 * 3_600_000),
    end: new Date(t0 + 6 * 3_600_000),
  });
  expect(hour.refs).toHaveLength(60 + 15 + 10);
  expect(hour.skipped).toEqual({ outside_window: 45 + 50 });
  expect(hour.stats.objectsListed).toBeLessThan(200);
  const folder = `s3://${BUCKET}/many/AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/2026/02/01/`;
  expect(hour.stats.listings).toEqual([`${folder}04/`, `${folder}05/`, `${folder}06/`, `${folder}${ACCOUNT}_`]);
});
