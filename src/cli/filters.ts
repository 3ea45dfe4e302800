/**
 * What `digest`, `report` and `dot` share: the record selection of a run (--start/--end,
 * --account/--region, --strict, --skip-bad-objects, --fields, --key) and the row filters
 * (--cidr, --port, --action).
 */
import type { DigestRunOptions } from '../engine/options.js';
import { parseFieldList } from '../format/field-list.js';
import { parseKeySpec } from '../format/key.js';
import { parseCidr } from '../graph/cidr.js';
import { parseOneOf } from '../util/parse.js';
import { isPort } from '../util/patterns.js';
import { UsageError, usage } from './args.js';

const ACTIONS = ['ACCEPT', 'REJECT'] as const;

/** The filters as the views and the report take them. */
export interface RowFilters {
  cidrs?: string[];
  ports?: number[];
  actions?: Array<(typeof ACTIONS)[number]>;
}

/** A CIDR list, checked here so a bad range is a usage error naming the flag. */
export function cidrFlag(flag: string, items: string[], command: string): string[] {
  usage(command, () => {
    for (const item of items) parseCidr(flag, item);
  });
  return items;
}

/** The filters given (none: an empty object), from the lists the schema parsed. */
export function filterFlags(
  values: { cidr?: string[]; port?: string[]; action?: string[] },
  command: string,
): RowFilters {
  const o: RowFilters = {};
  if (values.cidr !== undefined) o.cidrs = cidrFlag('--cidr', values.cidr, command);
  if (values.port !== undefined) {
    o.ports = values.port.map((p) => {
      if (!isPort(p))
        throw UsageError.of({ option: '--port', reason: 'must be a port number from 0 to 65535', value: p }, command);
      return Number(p);
    });
  }
  if (values.action !== undefined)
    o.actions = values.action.map((a) => usage(command, () => parseOneOf('--action', a.toUpperCase(), ACTIONS)));
  return o;
}

/** The selection flags as the schema parsed them. */
export interface SelectionValues {
  start?: Date;
  end?: Date;
  account?: string[];
  region?: string[];
  strict?: boolean;
  skipBadObjects?: boolean;
  /** `--fields` (else FLOWDIGEST_FIELDS) and `--key`, checked here so a mistake is a usage error. */
  fields?: string;
  key?: string;
}

/** A run's record selection, strictness, format and key, checked (--start before --end). */
export function runSelection(values: SelectionValues, signal: AbortSignal, command: string): DigestRunOptions {
  const run: DigestRunOptions = {
    signal,
    strict: values.strict === true,
    skipBadObjects: values.skipBadObjects === true,
  };
  if (values.start !== undefined) run.start = values.start;
  if (values.end !== undefined) run.end = values.end;
  if (run.start && run.end && run.start >= run.end)
    throw UsageError.of({ option: '--start', reason: 'must be before --end' }, command);
  if (values.account !== undefined) run.accounts = values.account;
  if (values.region !== undefined) run.regions = values.region;
  const fields = values.fields ?? process.env.FLOWDIGEST_FIELDS;
  if (fields !== undefined)
    run.fields = usage(command, () =>
      parseFieldList(fields, values.fields === undefined ? 'FLOWDIGEST_FIELDS' : '--fields'),
    );
  const key = values.key;
  if (key !== undefined) {
    usage(command, () => parseKeySpec(key, '--key'));
    run.key = key;
  }
  return run;
}
