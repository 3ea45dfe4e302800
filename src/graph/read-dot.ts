/**
 * Reading DOT written by flowdigest back into digest rows. Each edge carries its whole row as
 * `govpc_*` attributes, and the writers print one statement per line, so a line at a time is
 * enough. graphlib-dot's reader takes ~4.5x the time and ~6x the memory at 200k edges
 * (bench/graph.ts), and names parallel edges by a global counter.
 */
import { type DigestTable, hashKey, TWO52 } from '../table/table.js';
import { DigestParseError } from '../errors.js';
import { unescapeQuoted } from './escape.js';

// Quoted string | edge operator or punctuation | ID or numeral.
const TOKEN = /"((?:[^"\\]|\\[\s\S])*)"|(->|--|[[\]{}=,;])|([a-zA-Z\u0080-\uffff_0-9.-][a-zA-Z\u0080-\uffff_0-9.]*)/y;
const SPACE = /\s*/y;

interface Token {
  /** ID value (unescaped) for IDs; the symbol for punctuation. */
  text: string;
  id: boolean;
}

function tokenize(line: string, at: { key: string; line: number }): Token[] {
  const out: Token[] = [];
  let p = 0;
  for (;;) {
    SPACE.lastIndex = p;
    SPACE.exec(line);
    p = SPACE.lastIndex;
    if (p >= line.length) return out;
    TOKEN.lastIndex = p;
    const m = TOKEN.exec(line);
    if (m === null) throw new DigestParseError(`cannot read DOT near '${line.slice(p, p + 20)}'`, at);
    p = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ text: unescapeQuoted(m[1]), id: true });
    else if (m[2] !== undefined) out.push({ text: m[2], id: false });
    else out.push({ text: m[3], id: true });
  }
}

/**
 * Parse one line of flowdigest DOT. An edge line becomes a row of `table`; header, node,
 * cluster and closing lines are skipped (null). For an edge, says whether it had packets / bytes.
 */
export function readDotLine(
  line: string,
  at: { key: string; line: number },
  table: DigestTable,
): { packets: boolean; bytes: boolean } | null {
  const t = line.trimStart();
  if (t === '' || t.startsWith('//') || t.startsWith('#') || !t.includes('->')) return null;
  const tokens = tokenize(line, at);
  if (tokens.length < 3 || tokens[1].text !== '->' || tokens[1].id || !tokens[0].id || !tokens[2].id) return null;
  const attrs = new Map<string, string>();
  let i = 3;
  if (i < tokens.length && tokens[i].text === '[' && !tokens[i].id) {
    i++;
    while (i < tokens.length && !(tokens[i].text === ']' && !tokens[i].id)) {
      const k = tokens[i],
        eq = tokens[i + 1],
        v = tokens[i + 2];
      if (!k?.id || eq?.text !== '=' || eq.id || !v?.id) throw new DigestParseError('malformed attribute list', at);
      attrs.set(k.text, v.text);
      i += 3;
      if (tokens[i] !== undefined && !tokens[i].id && (tokens[i].text === ',' || tokens[i].text === ';')) i++;
    }
    i++;
  }
  if (i < tokens.length && !(tokens[i].text === ';' && !tokens[i].id))
    throw new DigestParseError('only single edges (a -> b [attributes]) can be read', at);
  addEdge(tokens[0].text, tokens[2].text, attrs, at, table);
  return { packets: attrs.get('govpc_packets') !== '-', bytes: attrs.get('govpc_bytes') !== '-' };
}

function addEdge(
  src: string,
  dst: string,
  attrs: Map<string, string>,
  at: { key: string; line: number },
  table: DigestTable,
): void {
  const need = (name: string): string => {
    const v = attrs.get(name);
    if (v === undefined)
      throw new DigestParseError(`edge has no ${name} attribute (only DOT written by flowdigest can be read)`, {
        ...at,
        field: name,
      });
    return v;
  };
  const field = (name: string, v: string): string => {
    if (v === '' || /[ \n\0]/.test(v))
      throw new DigestParseError(`${name} must be non-empty, without spaces`, { ...at, field: name });
    return v;
  };
  const int = (name: string, max: number): number => {
    const v = need(name);
    if (v === '-') return -1;
    if (!/^\d+$/.test(v) || Number(v) > max)
      throw new DigestParseError(`${name} must be an integer or -`, { ...at, field: name });
    return Number(v);
  };
  const big = (name: string): [number, number] => {
    const v = need(name);
    if (v === '-') return [0, 0];
    if (!/^\d+$/.test(v)) throw new DigestParseError(`${name} must be an integer or -`, { ...at, field: name });
    const n = BigInt(v);
    return [Number(n % BigInt(TWO52)), Number(n / BigInt(TWO52))];
  };
  const parts = [
    field('govpc_accountID', need('govpc_accountID')),
    field('govpc_eniID', need('govpc_eniID')),
    field('source', src),
    field('target', dst),
    field('govpc_action', need('govpc_action')),
  ];
  const key = Buffer.from(parts.join('\0'), 'utf8');
  const sport = int('govpc_srcPort', 2 ** 31 - 1),
    dport = int('govpc_dstPort', 2 ** 31 - 1),
    proto = int('govpc_protocol', 2 ** 31 - 1);
  const [pl, ph] = big('govpc_packets'),
    [bl, bh] = big('govpc_bytes');
  const start = int('govpc_start', Number.MAX_SAFE_INTEGER),
    end = int('govpc_end', Number.MAX_SAFE_INTEGER);
  const records = attrs.has('govpc_records') ? int('govpc_records', Number.MAX_SAFE_INTEGER) : 1;
  const e = table.upsert(key, 0, key.length, hashKey(key, 0, key.length, sport, dport, proto), sport, dport, proto);
  table.addAggregate(e, pl, ph, bl, bh, start < 0 ? Infinity : start, end < 0 ? -Infinity : end, Math.max(records, 1));
}
