/**
 * Validated view options, in a module of their own: views.ts makes them and collapse.ts reads
 * them, and neither imports the other for the type.
 */
import type { Cidr } from './cidr.js';

/** View options after validation; string sets hold latin1 (byte-exact) values. */
export interface ResolvedView {
  cidrs: Cidr[] | null;
  accounts: Set<string> | null;
  enis: Set<string> | null;
  ports: Set<number> | null;
  actions: Set<string> | null;
  collapseExternal: boolean;
  internal: Cidr[];
  /** Longest prefix first, so the most specific range wins. */
  collapse: Cidr[];
  top: number | null;
  topRejected: number;
}
