/** go-vpcflow's edge fields: every look writes them, so tools that read them read any picture. */
import type { DigestRow } from '../digest/digest.js';
import { escapeContent } from './escape.js';
import type { Attr } from './spec.js';

const dash = (v: number | null): string => (v === null ? '-' : String(v));

/** The `govpc_*` fields of an edge, in go-vpcflow's order (`-` for what the digest lacks). */
export function govpcFields(r: DigestRow, packetsSeen: boolean, bytesSeen: boolean): Attr[] {
  return [
    ['govpc_accountID', escapeContent(r.account)],
    ['govpc_eniID', escapeContent(r.interfaceId)],
    ['govpc_srcPort', dash(r.srcPort)],
    ['govpc_dstPort', dash(r.dstPort)],
    ['govpc_protocol', dash(r.protocol)],
    ['govpc_packets', packetsSeen ? String(r.packets) : '-'],
    ['govpc_bytes', bytesSeen ? String(r.bytes) : '-'],
    ['govpc_start', dash(r.start)],
    ['govpc_end', dash(r.end)],
  ];
}
