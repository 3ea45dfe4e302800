/** Graph titles: the window of the rows drawn and the filters and cut that chose them. */
import type { Digest } from '../digest/digest.js';
import { COL, NUM_STRIDE } from '../table/table.js';
import type { GraphView, GraphViewOptions } from './types.js';

/** A Unix time as `2026-12-06 10:00:00Z`. */
function instant(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

/** `2026-01-15 16:19:17Z to 2026-01-15 16:49:59Z`, or `no time window` when no row has times. */
export function windowText(digest: Digest): string {
  const t = digest.table;
  let start = Infinity,
    end = -Infinity;
  for (let e = 0, n = 0; e < t.size; e++, n += NUM_STRIDE) {
    if (t.nums[n + COL.N_START] < start) start = t.nums[n + COL.N_START];
    if (t.nums[n + COL.N_END] > end) end = t.nums[n + COL.N_END];
  }
  return Number.isFinite(start) && Number.isFinite(end) ? `${instant(start)} to ${instant(end)}` : 'no time window';
}

/**
 * `flowdigest graph: WINDOW; cidr 10.0.0.0/8, action REJECT; top 60 by bytes + 12 REJECT by
 * records`: what a graph of `input` through `options` shows.
 */
export function graphTitle(input: Digest, options: GraphViewOptions, view?: GraphView): string {
  const parts = [`flowdigest graph: ${windowText(input)}`];
  const filters: string[] = [];
  if (options.cidrs?.length) filters.push(`cidr ${options.cidrs.join(',')}`);
  if (options.accounts?.length) filters.push(`account ${options.accounts.join(',')}`);
  if (options.enis?.length) filters.push(`eni ${options.enis.join(',')}`);
  if (options.ports?.length) filters.push(`port ${options.ports.join(',')}`);
  if (options.actions?.length) filters.push(`action ${options.actions.join(',')}`);
  if (filters.length > 0) parts.push(filters.join(', '));
  if (view?.kept !== undefined) parts.push(keptText(view.kept));
  return parts.join('; ');
}

/** `top 60 by bytes + 12 REJECT by records`. */
export function keptText(kept: NonNullable<GraphView['kept']>): string {
  return `top ${kept.byBytes.toLocaleString('en-US')} by bytes + ${kept.rejected.toLocaleString('en-US')} REJECT by records`;
}
