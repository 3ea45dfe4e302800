/**
 * Planned listing: from a time window, the key prefixes of one account/region folder that can
 * hold matching objects (reference.md §2 gives the layouts).
 *
 * A file stamped T holds records whose `end` falls in [T, T+5 min). Delivery is not that exact
 * (late records land in later files; long aggregation intervals stretch the span), so the plan
 * keeps files stamped in [start − 5 min − SLACK, end + SLACK) with SLACK = 10 min, and lists
 * only the days (or hours) those stamps fall in. The engine still filters records by `end`
 * exactly, so the slack only costs a few extra objects read, never a wrong digest — unless a
 * record is more than 10 minutes later (or earlier) than its file's stamp.
 */

/** The two key layouts AWS delivers to. */
export type KeyLayout = 'default' | 'hive';

/** One account and region's folder of flow-log objects. */
export interface FlowLogFolder {
  layout: KeyLayout;
  account: string;
  region: string;
  /** Its key prefix, `[prefix/]AWSLogs/{account}/vpcflowlogs/{region}/` or the Hive form. */
  dir: string;
  /** Hour partitions, as the folder's first object shows; undefined when that is unknown. */
  hourly?: boolean;
}

/** One ListObjectsV2 scan: the keys under `prefix` that sort after `startAfter` and before `stopAt`. */
export interface PlannedListing {
  prefix: string;
  startAfter?: string;
  stopAt?: string;
}

/** Stamps of files that can hold records in the window: [lo, hi) in ms, infinite when open. */
export interface FileWindow {
  lo: number;
  hi: number;
}

/** How long after its stamp a file's records end (reference.md §2). */
export const FILE_SPAN_MS = 5 * 60_000;
/** Allowance for records delivered in a file stamped earlier or later than their `end` implies. */
export const SLACK_MS = 10 * 60_000;

/** Windows touching more days than this are listed as one key range rather than day by day. */
export const MAX_PREFIX_DAYS = 7;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The file-stamp window for records whose `end` is in [start, end). */
export function fileWindow(start?: Date, end?: Date): FileWindow {
  return {
    lo: start === undefined ? -Infinity : start.getTime() - FILE_SPAN_MS - SLACK_MS,
    hi: end === undefined ? Infinity : end.getTime() + SLACK_MS,
  };
}

/** `[root]AWSLogs/{account}/vpcflowlogs/` or `[root]AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/`. */
export function accountDir(root: string, layout: KeyLayout, account: string): string {
  return layout === 'hive'
    ? `${root}AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/`
    : `${root}AWSLogs/${account}/vpcflowlogs/`;
}

/** The region folder inside an account's {@link accountDir}. */
export function regionDir(accountPrefix: string, layout: KeyLayout, region: string): string {
  return layout === 'hive' ? `${accountPrefix}aws-region=${region}/` : `${accountPrefix}${region}/`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026/01/15/` or `year=2026/month=01/day=15/` for the UTC day holding `ms`. */
function dayPath(layout: KeyLayout, ms: number): string {
  const d = new Date(ms);
  const [y, m, day] = [String(d.getUTCFullYear()).padStart(4, '0'), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
  return layout === 'hive' ? `year=${y}/month=${m}/day=${day}/` : `${y}/${m}/${day}/`;
}

/** {@link dayPath} plus `16/` or `hour=16/`. */
function hourPath(layout: KeyLayout, ms: number): string {
  const h = pad(new Date(ms).getUTCHours());
  return dayPath(layout, ms) + (layout === 'hive' ? `hour=${h}/` : `${h}/`);
}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
// StartAfter is exclusive: ending it just before the folder's `/` takes the folder's first key too.
const before = (folderPrefix: string) => folderPrefix.slice(0, -1);

/**
 * The listings of `folder` that cover `window`: prefix listings, which S3 ends exactly where the
 * prefix does (a key range would run on to the end of its last 1,000-key page).
 * - Daily (or unknown) partitioning: each day the window touches.
 * - Hourly: each hour it touches, plus `{day}/{account}_` for the daily files other flow logs of
 *   the same account and region may deliver there; a day the window covers whole is one listing.
 * Both plans are correct whatever the folder holds; the detected partitioning only picks the
 * cheaper one. An open-ended window, or one longer than {@link MAX_PREFIX_DAYS}, is one key
 * range of whole days instead: fewer requests, at the cost of up to a page read past its end.
 */
export function planFolder(folder: FlowLogFolder, window: FileWindow): PlannedListing[] {
  const { dir, layout } = folder;
  const { lo, hi } = window;
  const days = (floorTo(hi - 1, DAY) - floorTo(lo, DAY)) / DAY + 1;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || days > MAX_PREFIX_DAYS) {
    const listing: PlannedListing = { prefix: dir };
    if (Number.isFinite(lo)) listing.startAfter = before(dir + dayPath(layout, floorTo(lo, DAY)));
    if (Number.isFinite(hi)) listing.stopAt = dir + dayPath(layout, floorTo(hi - 1, DAY) + DAY);
    return [listing];
  }
  const listings: PlannedListing[] = [];
  for (let day = floorTo(lo, DAY); day <= floorTo(hi - 1, DAY); day += DAY) {
    const wholeDay = lo <= day && hi >= day + DAY;
    if (folder.hourly !== true || wholeDay) {
      listings.push({ prefix: dir + dayPath(layout, day) });
      continue;
    }
    const last = Math.min(hi - 1, day + DAY - 1);
    for (let hour = floorTo(Math.max(lo, day), HOUR); hour <= last; hour += HOUR)
      listings.push({ prefix: dir + hourPath(layout, hour) });
    listings.push({ prefix: `${dir}${dayPath(layout, day)}${folder.account}_` });
  }
  return listings;
}

/**
 * Restrict a listing to keys under `narrow` (the user's prefix). Undefined when none can match.
 */
export function narrowListing(listing: PlannedListing, narrow: string): PlannedListing | undefined {
  if (listing.prefix.startsWith(narrow)) return listing;
  if (!narrow.startsWith(listing.prefix)) return undefined;
  // Every key under `narrow` sorts from `narrow` on: none left when that is past the range.
  if (listing.stopAt !== undefined && compareKeys(narrow, listing.stopAt) >= 0) return undefined;
  if (
    listing.startAfter !== undefined &&
    compareKeys(narrow, listing.startAfter) < 0 &&
    !listing.startAfter.startsWith(narrow)
  )
    return undefined;
  const narrowed: PlannedListing = { ...listing, prefix: narrow };
  // Bounds that every key under `narrow` meets anyway are dropped.
  if (narrowed.startAfter !== undefined && compareKeys(narrow, narrowed.startAfter) > 0) delete narrowed.startAfter;
  if (narrowed.stopAt !== undefined && !narrowed.stopAt.startsWith(narrow)) delete narrowed.stopAt;
  return narrowed;
}

/** The longer of two prefixes when one contains the other (the keys both admit); else undefined. */
export function intersectPrefixes(a: string, b: string): string | undefined {
  if (a.startsWith(b)) return a;
  if (b.startsWith(a)) return b;
  return undefined;
}

/**
 * Compare keys in S3's order (UTF-8 bytes, i.e. code points). JavaScript compares UTF-16 code
 * units, which differ only between a surrogate and a code unit at U+E000 or above.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i),
      y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff,
      sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy && (x >= 0xe000 || y >= 0xe000)) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
