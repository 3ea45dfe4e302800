// --audit-events: wildcard matching as Flipt's Checker (property tests against a reference
// model written from the rule), and the error messages for bad lists.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { AUDIT_EVENTS, AUDIT_PAIRS, AuditEventsError, parseAuditEvents } from '../dist/audit/index.js';

const NOUNS = Object.keys(AUDIT_EVENTS);
const VERBS: string[] = [...new Set(Object.values(AUDIT_EVENTS).flat())];
const valid = (n: string, v: string) => (AUDIT_EVENTS as Record<string, readonly string[]>)[n]?.includes(v) ?? false;
const covers = (pair: string, n: string, v: string) => {
  const [pn, pv] = pair.split(':');
  return (pn === '*' || pn === n) && (pv === '*' || pv === v);
};

// Every pattern that selects at least one event.
const PATTERNS = [...NOUNS, '*']
  .flatMap((n) => [...VERBS, '*'].map((v) => `${n}:${v}`))
  .filter((p) => AUDIT_PAIRS.some((q) => covers(p, ...(q.split(':') as [string, string]))));

it('selects exactly the valid pairs some pattern covers (any valid, non-redundant list)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (patterns, spaces) => {
        const sets = patterns.map((p) => AUDIT_PAIRS.filter((q) => covers(p, ...(q.split(':') as [string, string]))));
        const redundant = sets.some((s, i) => sets.some((t, j) => i !== j && s.every((x) => t.includes(x))));
        const list = patterns.join(spaces ? ' , ' : ',');
        if (redundant) {
          expect(() => parseAuditEvents(list)).toThrow(AuditEventsError);
          return;
        }
        const f = parseAuditEvents(list);
        for (const n of [...NOUNS, 'flag']) {
          for (const v of [...VERBS, 'deleted']) {
            expect(f.selects(n, v)).toBe(valid(n, v) && patterns.some((p) => covers(p, n, v)));
          }
        }
        expect(f.events()).toEqual(
          AUDIT_PAIRS.filter((q) => patterns.some((p) => covers(p, ...(q.split(':') as [string, string])))),
        );
        expect(f.pairs).toEqual(patterns);
      },
    ),
  );
});

it('defaults to *:*, which selects every event and nothing else', () => {
  const f = parseAuditEvents();
  expect(f.events()).toEqual(AUDIT_PAIRS);
  expect(AUDIT_PAIRS).toEqual([
    'digest:requested',
    'digest:created',
    'digest:failed',
    'digest:read',
    'graph:read',
    'diff:read',
    'report:read',
    'auth:denied',
  ]);
  expect(f.selects('graph', 'created')).toBe(false);
});

it('every error names the offending pair, for any garbage item', () => {
  const token = fc.stringMatching(/^[a-z*]{0,8}$/);
  fc.assert(
    fc.property(token, token, (n, v) => {
      const pair = `${n}:${v}`;
      let err: unknown;
      try {
        parseAuditEvents(`digest:read,${pair}`);
      } catch (e) {
        err = e;
      }
      const ok =
        valid(n, v) || (n === '*' && VERBS.includes(v)) || (v === '*' && NOUNS.includes(n)) || (n === '*' && v === '*');
      if (err === undefined) {
        // Accepted only when it is a real event pattern that does not overlap digest:read.
        expect(ok).toBe(true);
        expect(covers(pair, 'digest', 'read')).toBe(false);
      } else {
        expect(err).toBeInstanceOf(AuditEventsError);
        const e = err as InstanceType<typeof AuditEventsError>;
        expect(e.code).toBe('FD_ERR_CONFIG');
        expect(e.field).toBe('--audit-events');
        expect(e.pair).toBe(pair);
        expect(e.message).toContain(`'${pair}'`);
      }
    }),
  );
});

const message = (list: string) => {
  try {
    parseAuditEvents(list);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`'${list}' was accepted`);
};

it.each([
  [
    'digets:read',
    "--audit-events 'digets:read' has an unknown noun 'digets' (did you mean digest?); nouns: digest, graph, diff, report, auth, *",
  ],
  [
    'digest:raed',
    "--audit-events 'digest:raed' has an unknown verb 'raed' (did you mean read?); digest takes: requested, created, failed, read, *",
  ],
  [
    '*:deny',
    "--audit-events '*:deny' has an unknown verb 'deny' (did you mean denied?); verbs: requested, created, failed, read, denied, *",
  ],
  [
    'graph:created',
    "--audit-events 'graph:created' is not an event: graph takes only read; created applies to digest (did you mean digest:created or graph:read?)",
  ],
  [
    'auth:read',
    "--audit-events 'auth:read' is not an event: auth takes only denied; read applies to digest, graph, diff, report (did you mean digest:read or auth:denied?)",
  ],
  ['digest', "--audit-events 'digest' is not a noun:verb pair (did you mean digest:*?)"],
  ['digest:read:x', "--audit-events 'digest:read:x' is not a noun:verb pair"],
  [':read', "--audit-events ':read' is not a noun:verb pair"],
  ['digest:read,,auth:denied', "--audit-events '' is empty (item 2 of 'digest:read,,auth:denied')"],
  ['digest:read,digest:read', "--audit-events 'digest:read' is given twice"],
  ['digest:*,digest:read', "--audit-events 'digest:read' repeats events that 'digest:*' already selects"],
  ['auth:denied,*:denied', "--audit-events '*:denied' repeats events that 'auth:denied' already selects"],
  ['digest:read,digest:*', "--audit-events 'digest:*' also selects every event of 'digest:read'; drop 'digest:read'"],
  ['*:*,graph:read', "--audit-events 'graph:read' repeats events that '*:*' already selects"],
  ['', '--audit-events is empty; give noun:verb pairs such as *:* or digest:*,auth:denied'],
  [
    'Digest:read',
    "--audit-events 'Digest:read' has an unknown noun 'Digest' (did you mean digest?); nouns: digest, graph, diff, report, auth, *",
  ],
])('%j: %s', (list, expected) => {
  expect(message(list)).toBe(expected);
});
