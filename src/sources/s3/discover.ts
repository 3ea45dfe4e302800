/**
 * Discovery of the account and region folders in a bucket, by skip-scan: list one key, note the
 * folder it is in, then list again starting after that folder (`StartAfter = {folder}0`: `0`
 * sorts just after `/`). One request per folder plus one, like a Delimiter listing, but it works
 * on every S3 — s3rver's Delimiter listing returns no accounts under `AWSLogs/` (reference.md §6).
 *
 * The first key of each region folder comes for free and tells the layout and whether the
 * folder is partitioned by hour.
 */
import { parseFlowLogKey } from '../aws-key.js';
import { accountDir, type FlowLogFolder, intersectPrefixes, type KeyLayout, regionDir } from './plan.js';

/** A key as a listing returns it. */
export interface ListedKey {
  key: string;
  size: number;
}

/** One ListObjectsV2 request (counted and signalled by the caller). */
export type ListPage = (request: { prefix: string; startAfter?: string; maxKeys: number }) => Promise<ListedKey[]>;

/** What to discover: accounts and regions named by the user are taken as given, not scanned for. */
export interface DiscoverRequest {
  /** Key prefix before `AWSLogs/` ('' or ending in `/`). */
  root: string;
  /** Only keys under this prefix matter (the user's prefix; may reach into `AWSLogs/`). */
  narrow: string;
  accounts?: readonly string[];
  regions?: readonly string[];
}

// Account folders scanned at once: each is a chain of dependent requests, so latency adds up.
const CONCURRENCY = 4;
// Keys looked at past an unparsable first key when detecting a folder's partitioning.
const DETECT_KEYS = 100;

/** The folders of `request`, sorted by key. */
export async function discoverFolders(list: ListPage, request: DiscoverRequest): Promise<FlowLogFolder[]> {
  const { root, narrow } = request;
  const accounts: { layout: KeyLayout; account: string; dir: string }[] = [];
  if (request.accounts !== undefined) {
    // Either layout may hold a named account; an absent one costs one empty listing.
    for (const account of request.accounts.filter(isSegment)) {
      for (const layout of ['default', 'hive'] as const)
        accounts.push({ layout, account, dir: accountDir(root, layout, account) });
    }
  } else {
    const level = `${root}AWSLogs/`;
    const scan = intersectPrefixes(level, narrow);
    if (scan !== undefined) {
      for await (const { segment } of skipScan(list, level, scan)) {
        const hive = /^aws-account-id=([^/]+)$/.exec(segment);
        if (hive) accounts.push({ layout: 'hive', account: hive[1], dir: accountDir(root, 'hive', hive[1]) });
        else if (!segment.includes('='))
          accounts.push({ layout: 'default', account: segment, dir: accountDir(root, 'default', segment) });
      }
    }
  }
  const perAccount = await mapLimit(accounts, CONCURRENCY, async ({ layout, account, dir }) => {
    const scan = intersectPrefixes(dir, narrow);
    if (scan === undefined) return [];
    const folders: FlowLogFolder[] = [];
    if (request.regions !== undefined) {
      for (const region of request.regions.filter(isSegment)) {
        const folderDir = regionDir(dir, layout, region);
        const probe = intersectPrefixes(folderDir, narrow);
        if (probe === undefined) continue;
        const [first] = await list({ prefix: probe, maxKeys: 1 });
        if (first !== undefined)
          folders.push({ layout, account, region, dir: folderDir, hourly: await detectHourly(list, probe, first.key) });
      }
    } else {
      for await (const { segment, firstKey, scanned } of skipScan(list, dir, scan)) {
        const m = layout === 'hive' ? /^aws-region=([a-z0-9-]+)$/.exec(segment) : /^([a-z0-9-]+)$/.exec(segment);
        if (m === null) continue;
        folders.push({
          layout,
          account,
          region: m[1],
          dir: regionDir(dir, layout, m[1]),
          hourly: await detectHourly(list, scanned, firstKey),
        });
      }
    }
    return folders;
  });
  return perAccount.flat().sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/**
 * The distinct first path segments below `level`, each with the first key found in it, listing
 * under `prefix` (`level` itself or a longer prefix inside it). Keys directly in `level` (files,
 * not folders) are stepped over.
 */
export async function* skipScan(
  list: ListPage,
  level: string,
  prefix: string,
): AsyncGenerator<{ segment: string; firstKey: string; scanned: string }> {
  let startAfter: string | undefined;
  for (;;) {
    const [first] = await list(startAfter === undefined ? { prefix, maxKeys: 1 } : { prefix, startAfter, maxKeys: 1 });
    if (first === undefined) return;
    const rest = first.key.slice(level.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      startAfter = first.key;
      continue;
    }
    const segment = rest.slice(0, slash);
    startAfter = `${level}${segment}0`;
    if (segment !== '')
      yield { segment, firstKey: first.key, scanned: intersectPrefixes(`${level}${segment}/`, prefix) ?? prefix };
  }
}

/** Whether a folder is partitioned by hour, from its first key (or the next few, if that one does not parse). */
async function detectHourly(list: ListPage, prefix: string, firstKey: string): Promise<boolean | undefined> {
  const parsed = parseFlowLogKey(firstKey);
  if (!('rejected' in parsed)) return parsed.hourly;
  for (const { key } of await list({ prefix, startAfter: firstKey, maxKeys: DETECT_KEYS })) {
    const next = parseFlowLogKey(key);
    if (!('rejected' in next)) return next.hourly;
  }
  return undefined;
}

// A name that can be one path segment of a key.
const isSegment = (s: string) => s !== '' && !s.includes('/');

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
