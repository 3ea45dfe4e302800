/**
 * An exact JSON parser (RFC 8259) for the rare line JSON.parse would round: an integer literal
 * beyond 2^53 - 1 becomes a bigint with every digit kept (a digest's sums reach 2^70); every
 * other value is what JSON.parse gives, and a repeated key keeps its last value, as JSON.parse
 * does. Node 20 has no JSON.parse source-text access, and a reviver only sees the rounded number.
 */

/** A parsed JSON value whose exact numbers are `N`. */
export type JsonTree<N> = null | boolean | number | string | N | JsonTree<N>[] | { [key: string]: JsonTree<N> };

/** A parsed JSON value; integers beyond the safe range are bigints. */
export type ExactJson = JsonTree<bigint>;

/** A syntax error at a character offset. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at position ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;

/** Parse `text` exactly: integers beyond 2^53 - 1 as bigints. @throws JsonSyntaxError */
export function parseJsonExact(text: string): ExactJson {
  return parseJsonWith(text, (literal, integer) => {
    const n = Number(literal);
    return integer && !Number.isSafeInteger(n) ? BigInt(literal) : n;
  });
}

/**
 * Parse `text`, each number literal through `number` (told whether it is an integer literal),
 * so a caller decides which numbers to keep exactly and how. @throws JsonSyntaxError
 */
export function parseJsonWith<N>(
  text: string,
  number: (literal: string, integer: boolean) => number | N,
  maxDepth = 512,
): JsonTree<N> {
  type Value = JsonTree<N>;
  let i = 0;
  const skip = () => {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i >= text.length ? 'unexpected end of JSON' : `${what}: unexpected '${text[i]}'`, i);
  };
  const string = (): string => {
    STRING.lastIndex = i;
    const m = STRING.exec(text);
    if (m === null) fail('bad string');
    i = STRING.lastIndex;
    // The token is valid JSON on its own: JSON.parse decodes its escapes exactly.
    return JSON.parse(m![0]) as string;
  };
  const value = (depth: number): Value => {
    if (depth > maxDepth) fail('nested too deeply');
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: Value } = {};
      skip();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        // defineProperty: a "__proto__" key is data, as in JSON.parse, not the prototype.
        Object.defineProperty(obj, key, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: Value[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null || m[0] === '' || m[0] === '-') return fail('bad value');
    i = NUMBER.lastIndex;
    return number(m[0], m[1] === undefined && m[2] === undefined);
  };
  const result = value(0);
  skip();
  if (i < text.length) fail('trailing text');
  return result;
}
