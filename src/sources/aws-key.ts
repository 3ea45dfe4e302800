/**
 * Parse the keys AWS gives flow-log objects delivered to S3 (reference.md §2), in either the
 * default or the Hive-compatible layout, with or without hourly partitions and a prefix.
 */
import { daysInMonth, utcMs } from '../util/time.js';

/** What an object's key says about it. */
export interface FlowLogKey {
  account: string;
  region: string;
  flowLogId: string;
  /** The file-name timestamp (UTC, minute precision). */
  timestamp: Date;
  /** True when the key sits under an hourly partition. */
  hourly: boolean;
}

// Default: [prefix/]AWSLogs/{acct}/vpcflowlogs/{region}/{yyyy}/{mm}/{dd}/[{HH}/]
const DEFAULT_DIR =
  /(?:^|\/)AWSLogs\/(\d{12}|[^/]+)\/vpcflowlogs\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(?:(\d{2})\/)?$/;
// Hive: [prefix/]AWSLogs/aws-account-id={a}/aws-service=vpcflowlogs/aws-region={r}/year={y}/month={m}/day={d}/[hour={HH}/]
const HIVE_DIR =
  /(?:^|\/)AWSLogs\/aws-account-id=([^/]+)\/aws-service=vpcflowlogs\/aws-region=([a-z0-9-]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/(?:hour=(\d{2})\/)?$/;
// {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz (or .parquet)
const FILE =
  /^([^_/]+)_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-zA-Z]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_([0-9a-zA-Z]+)\.log(?:\.gz|\.parquet)?$/;

/** Why a key was not taken as a flow-log object. */
export type KeyRejection = 'not_flow_log_name' | 'not_aws_layout' | 'path_name_mismatch' | 'bad_timestamp';

/** Parse a key (or a path ending in one). Returns the facts, or the reason it does not parse. */
export function parseFlowLogKey(key: string): FlowLogKey | { rejected: KeyRejection } {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  const dir = key.slice(0, slash + 1).replace(/\\/g, '/');
  const f = FILE.exec(name);
  if (f === null) return { rejected: 'not_flow_log_name' };
  const d = DEFAULT_DIR.exec(dir) ?? HIVE_DIR.exec(dir);
  if (d === null) return { rejected: 'not_aws_layout' };
  const [, account, region, flowLogId, y, mo, da, hh, mi] = f;
  const [, dAccount, dRegion, dy, dm, dd, dh] = d;
  if (
    dAccount !== account ||
    dRegion !== region ||
    dy !== y ||
    dm !== mo ||
    dd !== da ||
    (dh !== undefined && dh !== hh)
  ) {
    return { rejected: 'path_name_mismatch' };
  }
  const timestamp = new Date(utcMs(+y, +mo, +da, +hh, +mi));
  if (+mo < 1 || +mo > 12 || +da < 1 || +da > daysInMonth(+y, +mo) || +hh > 23 || +mi > 59) {
    return { rejected: 'bad_timestamp' };
  }
  return { account, region, flowLogId, timestamp, hourly: dh !== undefined };
}
