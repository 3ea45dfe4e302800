/**
 * Labels for people: byte volumes (`1.2 GB`), flow counts, protocol and service port
 * (`tcp/443`, or `https` where the name is unambiguous), and addresses shortened the canonical
 * way (RFC 5952 for IPv6). Pure functions of a row: the DOT, SVG and HTML views share them.
 */
import type { DigestRow } from '../digest/digest.js';
import { formatIp, parseIp } from './cidr.js';

/** Which labels a graph carries: for people (default), go-vpcflow's `govpc_*=` lines, or none. */
export type LabelStyle = 'human' | 'go' | 'none';

/** Every {@link LabelStyle}. */
export const LABEL_STYLES: readonly LabelStyle[] = ['human', 'go', 'none'];

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB'];

/**
 * A byte count in decimal (SI) units, as people read volumes: `512 B`, `1.2 GB`, `340 MB`.
 * One decimal below 100 of a unit, none above; a value that rounds up to 1000 moves to the next unit.
 */
export function formatBytes(bytes: bigint | number): string {
  let v = typeof bytes === 'bigint' ? Number(bytes) : bytes;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`formatBytes: ${String(bytes)} is not a byte count`);
  if (v < 1000) return `${Math.round(v)} B`;
  let u = 0;
  while (u < UNITS.length - 1 && v >= 1000) {
    v /= 1000;
    u++;
  }
  let text = v.toFixed(1);
  if (Number(text) >= 100) text = v.toFixed(0);
  if (Number(text) >= 1000 && u < UNITS.length - 1) {
    u++;
    text = (v / 1000).toFixed(1);
  }
  return `${text} ${UNITS[u]}`;
}

/** A byte difference with its sign: `+3.2 MB`, `-512 B`, `±0 B`. */
export function formatBytesDelta(delta: bigint): string {
  if (delta === 0n) return '±0 B';
  return delta > 0n ? `+${formatBytes(delta)}` : `-${formatBytes(-delta)}`;
}

/** A count with thousands separators (`12,345`), locale-independent. */
export function formatCount(n: number | bigint): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1 flow`, `68 flows`, `12,345 flows`. */
export function formatFlows(records: number): string {
  return `${formatCount(records)} ${records === 1 ? 'flow' : 'flows'}`;
}

const PROTOCOLS: Readonly<Record<number, string>> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'icmpv6',
  132: 'sctp',
};

/** IANA protocol number → short name (`tcp`, `udp`, `icmp`...), or `proto N`; `?` when absent. */
export function protocolName(protocol: number | null): string {
  if (protocol === null) return '?';
  return PROTOCOLS[protocol] ?? `proto ${protocol}`;
}

/**
 * Well-known services by protocol and port. Only ports whose name is unambiguous on that
 * protocol are named (8080, 8443 and the like are not: too many things use them).
 */
const SERVICES: Readonly<Record<string, string>> = {
  'tcp/20': 'ftp-data',
  'tcp/21': 'ftp',
  'tcp/22': 'ssh',
  'tcp/23': 'telnet',
  'tcp/25': 'smtp',
  'udp/53': 'dns',
  'tcp/53': 'dns/tcp',
  'udp/67': 'dhcp',
  'udp/68': 'dhcp',
  'udp/69': 'tftp',
  'tcp/80': 'http',
  'tcp/88': 'kerberos',
  'udp/88': 'kerberos',
  'tcp/110': 'pop3',
  'udp/123': 'ntp',
  'tcp/143': 'imap',
  'udp/161': 'snmp',
  'udp/162': 'snmp-trap',
  'tcp/389': 'ldap',
  'tcp/443': 'https',
  'udp/443': 'quic',
  'tcp/445': 'smb',
  'udp/500': 'ike',
  'udp/514': 'syslog',
  'tcp/587': 'submission',
  'tcp/636': 'ldaps',
  'tcp/993': 'imaps',
  'tcp/995': 'pop3s',
  'tcp/1433': 'mssql',
  'tcp/1521': 'oracle',
  'tcp/2049': 'nfs',
  'tcp/2379': 'etcd',
  'tcp/3306': 'mysql',
  'tcp/3389': 'rdp',
  'udp/4500': 'ipsec-nat',
  'tcp/5432': 'postgres',
  'tcp/5671': 'amqps',
  'tcp/5672': 'amqp',
  'tcp/6379': 'redis',
  'tcp/6443': 'kube-api',
  'tcp/9092': 'kafka',
  'tcp/9200': 'elasticsearch',
  'tcp/11211': 'memcached',
  'tcp/27017': 'mongodb',
};

/** The service name of `port` on `protocol` (`https` for tcp/443), or null when none is unambiguous. */
export function serviceName(protocol: number | null, port: number): string | null {
  return SERVICES[`${protocolName(protocol)}/${port}`] ?? null;
}

/**
 * The service port of a conversation: the named one of destination and source (destination
 * first), else the lower non-zero port (servers listen low, clients pick ephemeral ports).
 * Null when neither is known or both are 0 (ICMP, aggregated ports).
 */
export function servicePort(protocol: number | null, srcPort: number | null, dstPort: number | null): number | null {
  if (dstPort !== null && dstPort > 0 && serviceName(protocol, dstPort) !== null) return dstPort;
  if (srcPort !== null && srcPort > 0 && serviceName(protocol, srcPort) !== null) return srcPort;
  const ports = [srcPort, dstPort].filter((p): p is number => p !== null && p > 0);
  return ports.length === 0 ? null : Math.min(...ports);
}

/** `https`, `tcp/8080`, `dns`, `icmp`, `udp`, `proto 132`: what a conversation is, in one word. */
export function serviceLabel(protocol: number | null, srcPort: number | null, dstPort: number | null): string {
  const port = servicePort(protocol, srcPort, dstPort);
  if (port === null) return protocolName(protocol);
  return serviceName(protocol, port) ?? `${protocolName(protocol)}/${port}`;
}

/**
 * The label of an edge for people: service, volume, flows (`https · 1.2 GB · 68 flows`).
 * The volume is left out when the digest had no byte counts (`-`).
 */
export function edgeLabel(r: DigestRow, bytesSeen: boolean): string {
  const parts = [serviceLabel(r.protocol, r.srcPort, r.dstPort)];
  if (bytesSeen) parts.push(formatBytes(r.bytes));
  parts.push(formatFlows(r.records));
  return parts.join(' · ');
}

/** An address as shown on a node: IPv6 shortened canonically (RFC 5952), anything else as it is. */
export function displayAddress(address: string): string {
  if (!address.includes(':')) return address;
  const ip = parseIp(address);
  return ip === null ? address : formatIp(ip);
}
