/**
 * Collapsing: addresses folded into shared nodes (a prefix node per `collapse` range, one
 * `internet` node for everything outside the internal ranges). Edges that become identical
 * merge: packets and bytes add up, start/end widen, records add up.
 */
import { DigestTable, type TableView } from '../table/table.js';
import { type Cidr, cidrContains, parseIp } from './cidr.js';
import { copyEntry, keyParts } from './entries.js';
import type { ResolvedView } from './resolved-view.js';

/** Name of the node that `collapseExternal` folds public addresses into. */
export const INTERNET_NODE = 'internet';

/** Fold `t`'s addresses by `o.collapse` / `o.collapseExternal`; record the folded nodes in `folded`. */
export function collapseTable(
  t: TableView,
  o: Pick<ResolvedView, 'collapse' | 'collapseExternal' | 'internal'>,
  folded: Map<string, Cidr | null>,
): DigestTable {
  const names = new Map<string, string>();
  const fold = (addr: string): string => {
    let name = names.get(addr);
    if (name === undefined) {
      name = foldAddress(addr, o, folded);
      names.set(addr, name);
    }
    return name;
  };
  const out = new DigestTable();
  for (let e = 0; e < t.size; e++) {
    const parts = keyParts(t, e);
    parts[2] = fold(parts[2]);
    parts[3] = fold(parts[3]);
    copyEntry(t, e, out, parts);
  }
  return out;
}

// Strings that are not addresses (`-`, junk) are never folded: they are not "outside" anything.
function foldAddress(
  addr: string,
  o: Pick<ResolvedView, 'collapse' | 'collapseExternal' | 'internal'>,
  folded: Map<string, Cidr | null>,
): string {
  const ip = parseIp(addr);
  if (ip === null) return addr;
  for (const c of o.collapse) {
    if (cidrContains(c, ip)) {
      folded.set(c.text, c);
      return c.text;
    }
  }
  if (o.collapseExternal && !o.internal.some((c) => cidrContains(c, ip))) {
    folded.set(INTERNET_NODE, null);
    return INTERNET_NODE;
  }
  return addr;
}
