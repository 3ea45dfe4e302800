/**
 * Flow-log field names (versions 2-8) and the roles the digester gives them.
 * A record is mapped by field *name*, so custom formats in any order work.
 */

/** The default (version 2) field order, also the order of a text digest. */
export const V2_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport',
  'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status',
] as const;

/** The header line every text digest starts with. */
export const V2_HEADER = V2_FIELDS.join(' ');

/** Every field name AWS defines in versions 2-8. A header naming any other is a FormatError (layout.ts). */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...V2_FIELDS,
  'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr',
  'region', 'az-id', 'sublocation-type', 'sublocation-id',
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path',
  'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id',
  'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn',
  'ecs-task-arn', 'ecs-task-id', 'reject-reason',
]);

/**
 * Roles the scanner assigns to columns. Small integers so the hot loop indexes typed arrays.
 * String roles come first (1..5): their bytes form the key's string part, in this order, and the
 * scanner relies on that numbering.
 */
export const Role = {
  Ignore: 0,
  Account: 1,
  Interface: 2,
  SrcAddr: 3,
  DstAddr: 4,
  Action: 5,
  SrcPort: 6,
  DstPort: 7,
  Protocol: 8,
  Packets: 9,
  Bytes: 10,
  Start: 11,
  End: 12,
  Status: 13,
  Region: 14,
} as const;

/** Number of role slots (index 0 unused). */
export const ROLE_COUNT = 15;


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
