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

/** Every field name AWS defines in versions 2-8. A header naming any other is a FormatError (layout.ts). */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...V2_FIELDS,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
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
  'reject-reason',
]);

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
