/**
 * The graph views' options, written once: `flowdigest dot`'s flags (cli/options.ts) and the
 * query parameters of the service's `GET /graph` (their JSON schemas, service/routes/graph.ts)
 * take their names, bounds, defaults and descriptions from here. Keys are the library's names
 * ({@link GraphViewOptions} and the model's); the flag is the CLI's, and the query parameter is
 * the flag with `_` for `-`.
 */
import { flagOf, type OptionSchema } from '../util/option-schema.js';

/** The view options by library name. */
export const GRAPH_VIEW_OPTIONS = {
  top: {
    type: 'int',
    min: 1,
    max: 1_000_000_000,
    flag: 'top',
    arg: 'N',
    help: 'Keep the N edges with the most bytes, and beside them the N\nREJECT edges with the most records (see --top-rejected)',
  },
  topRejected: {
    type: 'int',
    min: 0,
    max: 1_000_000_000,
    flag: 'top-rejected',
    arg: 'M',
    help: 'With --top: keep M REJECT edges by records instead of N\n(0: none)',
  },
  cidrs: { type: 'list', flag: 'cidr', arg: 'CIDR,...', help: 'Keep edges with an endpoint in one of these ranges' },
  accounts: { type: 'list', flag: 'account', arg: 'A,...', help: 'Keep edges of these accounts' },
  enis: { type: 'list', flag: 'eni', arg: 'ENI,...', help: 'Keep edges of these interfaces' },
  ports: {
    type: 'list',
    flag: 'port',
    arg: 'P,...',
    help: 'Keep edges whose source or destination port is one of these',
  },
  actions: {
    type: 'choice',
    choices: ['ACCEPT', 'REJECT'],
    flag: 'action',
    arg: 'A',
    help: 'Keep ACCEPT or REJECT edges',
  },
  collapseExternal: {
    type: 'boolean',
    flag: 'collapse-external',
    help: 'Fold addresses outside 10/8, 172.16/12, 192.168/16, fc00::/7\n(and --internal) into one node, internet',
  },
  internal: { type: 'list', flag: 'internal', arg: 'CIDR,...', help: 'More ranges to treat as internal' },
  collapse: {
    type: 'list',
    flag: 'collapse',
    arg: 'CIDR,...',
    help: "Fold each range's addresses into one node named after it\n(the longest matching range wins)",
  },
  cluster: {
    type: 'choice',
    choices: ['account', 'subnet'],
    flag: 'cluster',
    arg: 'BY',
    help: 'Box internal nodes by account (addresses seen in exactly\none account) or subnet',
  },
  subnetPrefix: {
    type: 'int',
    min: 1,
    max: 32,
    flag: 'subnet-prefix',
    arg: 'N',
    help: 'IPv4 prefix length of a subnet cluster (IPv6: /64)',
    default: 24,
  },
  penwidth: {
    type: 'boolean',
    flag: 'penwidth',
    help: 'Scale edge width with log(bytes)',
    default: true,
  },
} as const satisfies OptionSchema;

/** The query parameter of a view option: its flag with `_` for `-` (`collapse_external`). */
export function queryParamOf(key: keyof typeof GRAPH_VIEW_OPTIONS): string {
  return flagOf(key, GRAPH_VIEW_OPTIONS[key])!.replace(/-/g, '_');
}
