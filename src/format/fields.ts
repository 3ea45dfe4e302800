/**
 * Flow-log field names (versions 2-8) and the roles the digester gives them.
 * A record is mapped by field *name*, so custom formats in any order work.
 */
import { Role, ROLE_COUNT } from '../table/contract.js';

/** The default (version 2) field order, also the order of a text digest. */
export const V2_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

/** The header line every text digest starts with. */
export const V2_HEADER = V2_FIELDS.join(' ');

const V3_ADDED = ['vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr'];
const V4_ADDED = ['region', 'az-id', 'sublocation-type', 'sublocation-id'];
const V5_ADDED = ['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path'];
const V7_ADDED = [
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
];

/**
 * Transit Gateway flow logs' default order: every field, 36 of them, with no `action` and no
 * `interface-id` (AWS's Transit Gateway flow log documentation).
 */
export const TGW_FIELDS: readonly string[] = [
  'version',
  'resource-type',
  'account-id',
  'tgw-id',
  'tgw-attachment-id',
  'tgw-src-vpc-account-id',
  'tgw-dst-vpc-account-id',
  'tgw-src-vpc-id',
  'tgw-dst-vpc-id',
  'tgw-src-subnet-id',
  'tgw-dst-subnet-id',
  'tgw-src-eni',
  'tgw-dst-eni',
  'tgw-src-az-id',
  'tgw-dst-az-id',
  'tgw-pair-attachment-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'log-status',
  'type',
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
  'tcp-flags',
  'region',
  'flow-direction',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
];

/** The Transit Gateway counters summed like packets (a digest row carries their sums). */
export const PACKETS_LOST_FIELDS = [
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
] as const;

/** One of {@link PACKETS_LOST_FIELDS}. */
export type PacketsLostField = (typeof PACKETS_LOST_FIELDS)[number];

/**
 * AWS's documented orders, by name, for `--fields`: `v2` is the default format; `vN` is every
 * field up to version N in the order of AWS's field table (a custom format with all of them);
 * `tgw` is the Transit Gateway default. Their field counts differ, which lets a header-less line
 * of the wrong count name the one preset it would fit.
 */
export const FIELD_PRESETS: Readonly<Record<string, readonly string[]>> = {
  v2: V2_FIELDS,
  v3: [...V2_FIELDS, ...V3_ADDED],
  v4: [...V2_FIELDS, ...V3_ADDED, ...V4_ADDED],
  v5: [...V2_FIELDS, ...V3_ADDED, ...V4_ADDED, ...V5_ADDED],
  v7: [...V2_FIELDS, ...V3_ADDED, ...V4_ADDED, ...V5_ADDED, ...V7_ADDED],
  v8: [...V2_FIELDS, ...V3_ADDED, ...V4_ADDED, ...V5_ADDED, ...V7_ADDED, 'reject-reason'],
  tgw: TGW_FIELDS,
};

/** The one preset with `count` fields, or undefined when none or several have it. */
export function presetWithCount(count: number): string | undefined {
  const names = Object.keys(FIELD_PRESETS).filter((n) => FIELD_PRESETS[n].length === count);
  return names.length === 1 ? names[0] : undefined;
}

/**
 * Every field name AWS defines: VPC flow logs versions 2-8 and Transit Gateway flow logs.
 * A header naming any other is a FormatError (layout.ts).
 */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([...FIELD_PRESETS.v8, ...TGW_FIELDS]);

// Roles (Role, ROLE_COUNT) are part of the WebAssembly kernel's contract: generated from
// src/format/wasm/contract.json, so scan.c numbers them the same way.
export { Role, ROLE_COUNT };

/** Field name → role. */
export const ROLE_BY_FIELD: Readonly<Record<string, number>> = {
  'account-id': Role.Account,
  'interface-id': Role.Interface,
  srcaddr: Role.SrcAddr,
  dstaddr: Role.DstAddr,
  action: Role.Action,
  srcport: Role.SrcPort,
  dstport: Role.DstPort,
  protocol: Role.Protocol,
  packets: Role.Packets,
  bytes: Role.Bytes,
  start: Role.Start,
  end: Role.End,
  'log-status': Role.Status,
  region: Role.Region,
};

/** Role → field name, for error messages. */
export const FIELD_BY_ROLE: readonly string[] = (() => {
  const names: string[] = new Array(ROLE_COUNT).fill('');
  for (const [name, role] of Object.entries(ROLE_BY_FIELD)) names[role] = name;
  return names;
})();
