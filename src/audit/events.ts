/**
 * The event filter (`--audit-events`): `noun:verb` pairs with `*` wildcards, as Flipt's Checker.
 * Unlike Flipt, a verb must be valid for its noun (`graph:created` is an error: graphs are only
 * read), and a pair that repeats what another pair already selects is an error too.
 */
import { ConfigError } from '../errors.js';
import type { AuditNoun, AuditVerb } from './types.js';
import { suggest } from '../util/suggest.js';

/** Every noun with the verbs it takes. */
export const AUDIT_EVENTS: Readonly<Record<AuditNoun, readonly AuditVerb[]>> = {
  digest: ['requested', 'created', 'failed', 'read'],
  graph: ['read'],
  diff: ['read'],
  report: ['read'],
  auth: ['denied'],
};

/** Every valid `noun:verb` pair, in table order. */
export const AUDIT_PAIRS: readonly string[] = Object.entries(AUDIT_EVENTS).flatMap(([n, vs]) =>
  vs.map((v) => `${n}:${v}`),
);

const NOUNS = Object.keys(AUDIT_EVENTS) as AuditNoun[];
const VERBS = [...new Set(Object.values(AUDIT_EVENTS).flat())];

/** Which events are recorded. Built by {@link parseAuditEvents}. */
export interface AuditEventFilter {
  /** Whether `type:action` is selected. */
  selects(type: string, action: string): boolean;
  /** The concrete pairs selected, in table order (wildcards expanded). */
  events(): string[];
  /** The pairs as given, normalised (trimmed). */
  readonly pairs: readonly string[];
}

/** `--audit-events` could not be parsed; `pair` is the offending item. `field` is `--audit-events`. */
export class AuditEventsError extends ConfigError {
  readonly pair: string;
  constructor(pair: string, message: string, option = '--audit-events') {
    super(option, message);
    this.pair = pair;
  }
}

/** True when `noun:verb` is a valid pair. */
export function isAuditPair(noun: string, verb: string): boolean {
  return Object.hasOwn(AUDIT_EVENTS, noun) && (AUDIT_EVENTS[noun as AuditNoun] as readonly string[]).includes(verb);
}

/**
 * ` (did you mean X?)` for the nearest candidate when close enough (the CLI's rule for options),
 * or else for one sharing the first three letters (`deny` → `denied`); '' when none fits.
 */
function hint(input: string, candidates: readonly string[]): string {
  const lower = input.toLowerCase();
  const near = suggest(lower, candidates);
  if (near !== '') return near;
  const same = input.length >= 3 ? candidates.find((c) => c.startsWith(lower.slice(0, 3))) : undefined;
  return same === undefined ? '' : ` (did you mean ${same}?)`;
}

function expand(noun: string, verb: string): string[] {
  return AUDIT_PAIRS.filter((p) => {
    const [n, v] = p.split(':');
    return (noun === '*' || noun === n) && (verb === '*' || verb === v);
  });
}

/**
 * Parse a comma-separated list of `noun:verb` pairs (default `*:*`).
 * @param option the flag or option named in errors
 * @throws AuditEventsError naming the pair: malformed, unknown noun or verb, a verb the noun does
 *   not take, an empty item, or a pair that repeats what another already selects.
 */
export function parseAuditEvents(list = '*:*', option = '--audit-events'): AuditEventFilter {
  if (typeof list !== 'string') throw new AuditEventsError(String(list), 'must be a string of noun:verb pairs', option);
  const items = list.split(',').map((s) => s.trim());
  if (list.trim() === '')
    throw new AuditEventsError('', `is empty; give noun:verb pairs such as *:* or digest:*,auth:denied`, option);
  const expanded: { pair: string; set: Set<string> }[] = [];
  for (const [i, pair] of items.entries()) {
    const bad = (why: string): never => {
      throw new AuditEventsError(pair, `'${pair}' ${why}`, option);
    };
    if (pair === '') bad(`is empty (item ${i + 1} of '${list}')`);
    const parts = pair.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      const hint =
        parts.length === 1 && (Object.hasOwn(AUDIT_EVENTS, pair) || pair === '*') ? ` (did you mean ${pair}:*?)` : '';
      bad(`is not a noun:verb pair${hint}`);
    }
    const [noun, verb] = parts;
    if (noun !== '*' && !Object.hasOwn(AUDIT_EVENTS, noun)) {
      bad(`has an unknown noun '${noun}'${hint(noun, NOUNS)}; nouns: ${NOUNS.join(', ')}, *`);
    }
    if (verb !== '*' && !(VERBS as string[]).includes(verb)) {
      const candidates = noun === '*' ? VERBS : AUDIT_EVENTS[noun as AuditNoun];
      bad(
        `has an unknown verb '${verb}'${hint(verb, candidates)}; ${noun === '*' ? `verbs: ${VERBS.join(', ')}` : `${noun} takes: ${candidates.join(', ')}`}, *`,
      );
    }
    const set = new Set(expand(noun, verb));
    if (set.size === 0) {
      const takes = AUDIT_EVENTS[noun as AuditNoun];
      const owners = NOUNS.filter((n) => (AUDIT_EVENTS[n] as readonly string[]).includes(verb));
      bad(
        `is not an event: ${noun} takes only ${takes.join(', ')}; ${verb} applies to ${owners.join(', ')} (did you mean ${owners[0]}:${verb} or ${noun}:${takes[0]}?)`,
      );
    }
    for (const other of expanded) {
      if (other.pair === pair) bad('is given twice');
      if ([...set].every((p) => other.set.has(p))) bad(`repeats events that '${other.pair}' already selects`);
      if ([...other.set].every((p) => set.has(p)))
        bad(`also selects every event of '${other.pair}'; drop '${other.pair}'`);
    }
    expanded.push({ pair, set });
  }
  const selected = new Set(expanded.flatMap((e) => [...e.set]));
  const pairs = expanded.map((e) => e.pair);
  return {
    pairs,
    selects: (type, action) => selected.has(`${type}:${action}`),
    events: () => AUDIT_PAIRS.filter((p) => selected.has(p)),
  };
}
