/** `--cidr`, `--port` and `--action`: the row filters `dot`, `digest` and `report` share. */
import { InvalidOptionError } from '../errors.js';
import { parseCidr } from '../graph/cidr.js';
import { isPort } from '../util/patterns.js';
import { parseChoice, parseList, UsageError } from './args.js';

/** The filters as the views and the report take them. */
export interface RowFilters {
  cidrs?: string[];
  ports?: number[];
  actions?: string[];
}

/** A CIDR list flag, checked here so a bad range is a usage error naming the flag. */
export function cidrFlag(flag: string, value: string, command: string): string[] {
  const items = parseList(flag, value, command);
  for (const item of items) {
    try {
      parseCidr(flag, item);
    } catch (err) {
      if (err instanceof InvalidOptionError) throw new UsageError(err.message, command);
      throw err;
    }
  }
  return items;
}

/** The filters given (none: an empty object). */
export function filterFlags(values: { cidr?: string; port?: string; action?: string }, command: string): RowFilters {
  const o: RowFilters = {};
  if (values.cidr !== undefined) o.cidrs = cidrFlag('--cidr', values.cidr, command);
  if (values.port !== undefined)
    o.ports = parseList('--port', values.port, command).map((p) => {
      if (!isPort(p)) throw new UsageError(`--port '${p}' must be a port number from 0 to 65535`, command);
      return Number(p);
    });
  if (values.action !== undefined)
    o.actions = parseList('--action', values.action, command).map((a) =>
      parseChoice('--action', a.toUpperCase(), ['ACCEPT', 'REJECT'], command),
    );
  return o;
}
