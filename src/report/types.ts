/** Public types of `flowdigest report`: its options and the report itself (the JSON interface, see docs/report.md). */

/**
 * An exact count: a number while it is a safe integer, a bigint beyond 2^53 - 1 (a digest's
 * sums reach 2^70). The JSON form writes both as JSON integers.
 */
export type Count = number | bigint;

/** Which rows a report reads, and how long its lists are. */
export interface ReportOptions {
  /** Entries in each ranked list (talkers, listeners, rejected, exposed, probes, new). @default 10 */
  top?: number;
  /**
   * Ranges that count as internal besides RFC 1918, 100.64.0.0/10, loopback, link-local,
   * fc00::/7 and fe80::/10. @default []
   */
  internal?: readonly string[];
  /** Keep rows with an endpoint in one of these CIDR ranges (as `dot --cidr`). @default every row */
  cidrs?: readonly string[];
  /** Keep rows whose source or destination port is one of these (as `dot --port`). @default every row */
  ports?: readonly number[];
  /** Keep rows with these actions, `ACCEPT` or `REJECT` (as `dot --action`). @default every row */
  actions?: readonly string[];
}

/** Records, rows, packets and bytes of a set of digest rows. */
export interface ReportTotals {
  records: number;
  rows: number;
  packets: Count;
  bytes: Count;
}

/** One address of `talkers` (as source) or `listeners` (as destination). */
export interface ReportTalker {
  address: string;
  bytes: Count;
  packets: Count;
  records: number;
  /** Distinct destination addresses (talkers) or source addresses (listeners). */
  peers: number;
}

/** A source ranked by REJECT records. */
export interface ReportRejectedSource {
  address: string;
  /** REJECT records of this source. */
  records: number;
  bytes: Count;
}

/** A (service port, protocol) pair ranked by REJECT records. `port` is null for protocols without ports. */
export interface ReportRejectedPort {
  port: number | null;
  protocol: number | null;
  records: number;
  bytes: Count;
}

/** An internal (address, port, protocol) that accepted traffic from external sources. */
export interface ReportExposed {
  address: string;
  port: number;
  protocol: number | null;
  /** Distinct external source addresses. */
  sources: number;
  bytes: Count;
  records: number;
}

/** An external source ranked by the distinct (destination, service port) pairs it touched. */
export interface ReportProbe {
  address: string;
  /** Distinct (dstaddr, service port) pairs. */
  targets: number;
  /** Distinct destination addresses. */
  hosts: number;
  records: number;
  /** REJECT records of this source. */
  rejected: number;
  /** rejected / records, rounded to 4 decimals (0 when records is 0). */
  rejectShare: number;
}

/** A (srcaddr, dstaddr, service port, protocol) tuple of INPUT that the baseline lacks. */
export interface ReportNewTuple {
  srcaddr: string;
  dstaddr: string;
  port: number | null;
  protocol: number | null;
  bytes: Count;
  packets: Count;
  records: number;
}

/**
 * Traffic of one (flow-direction, pkt-src-aws-service, pkt-dst-aws-service) group. A field the
 * digest's key lacks is null; a value is as the logs spell it (`-`: not an AWS service).
 */
export interface ReportTrafficGroup {
  direction: string | null;
  srcService: string | null;
  dstService: string | null;
  bytes: Count;
  packets: Count;
  records: number;
  /** REJECT records of the group. */
  rejected: number;
}

/** Section 7: groups by bytes, and which of the three fields the key holds (`fields`). */
export type ReportTraffic = Ranked<ReportTrafficGroup> & { fields: string[] };

/** A ranked list: how many entries there are in all, and the first `top` of them. */
export interface Ranked<T> {
  total: number;
  top: T[];
}

/** Earliest start and latest end of the rows read (Unix seconds), null when no row had one. */
export interface ReportWindow {
  start: number | null;
  end: number | null;
}

/** The report (its JSON form is documented in docs/report.md; `version` changes when it does). */
export interface Report {
  version: 2;
  window: ReportWindow;
  /** The filters applied, as given (empty lists when none). */
  filters: { cidrs: string[]; ports: number[]; actions: string[] };
  /** The internal ranges, defaults first. */
  internal: string[];
  top: number;
  /** False when the input had no byte or packet counts (`-`): bytes and packets are then 0. */
  bytesSeen: boolean;
  totals: ReportTotals & { actions: Record<string, ReportTotals> };
  talkers: Ranked<ReportTalker>;
  listeners: Ranked<ReportTalker>;
  rejected: { sources: Ranked<ReportRejectedSource>; ports: Ranked<ReportRejectedPort> };
  exposed: Ranked<ReportExposed>;
  probes: Ranked<ReportProbe>;
  /** Present with a baseline, else null. */
  new: (Ranked<ReportNewTuple> & { baseline: { window: ReportWindow; rows: number } }) | null;
  /**
   * Traffic by flow-direction and AWS service, when the digest's key holds any of
   * flow-direction, pkt-src-aws-service, pkt-dst-aws-service (`--key +flow-direction,...`); else null.
   */
  traffic: ReportTraffic | null;
}
