/**
 * Bearer tokens and their scopes. A tokens file is a JSON array of
 * `{"name": "...", "sha256": "<hex of the token>", "scopes": [...]}`; a plain `"token"` is
 * accepted instead of `sha256` (with a warning: the file then holds a secret). Tokens are kept
 * only as SHA-256 digests and compared in constant time against every entry.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { suggest } from '../../util/suggest.js';
import { InvalidOptionError } from '../../errors.js';
import { BEARER_TOKEN, BEARER_TOKEN_RULE } from '../../util/patterns.js';

/** What a token allows. */
export type Scope = 'read' | 'write' | 'worker' | 'metrics';

/** Every scope: `read` (GET digests, graphs, diffs), `write` (POST windows), `worker` (the worker route), `metrics`. */
export const SCOPES: readonly Scope[] = ['read', 'write', 'worker', 'metrics'];

/** One token as configured: a name for logs and audit events, its digest (or the token), its scopes. */
export interface TokenSpec {
  /** Shown in logs and audit events (never the token). */
  name: string;
  /** Lowercase hex SHA-256 of the token. */
  sha256?: string;
  /** The token itself (accepted, with a warning at start-up; prefer `sha256`). */
  token?: string;
  scopes: readonly Scope[];
}

/** A token the service knows: its name, digest and scopes. */
export interface KnownToken {
  name: string;
  digest: Buffer;
  scopes: ReadonlySet<Scope>;
}

const NAME = /^[A-Za-z0-9._@:-]{1,64}$/;
const TOKEN = BEARER_TOKEN;

/** sha256 of a token, as the tokens file holds it. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Validate token specs; `where` prefixes messages (`tokens.json: [2].scopes`). Messages name the
 * entry and field, never a token's value.
 * @throws InvalidOptionError
 */
export function checkTokens(specs: unknown, where: string): { tokens: KnownToken[]; plain: string[] } {
  if (!Array.isArray(specs))
    throw new InvalidOptionError(where, 'must be a JSON array of {"name", "sha256", "scopes"}');
  const tokens: KnownToken[] = [];
  const plain: string[] = [];
  const names = new Set<string>();
  specs.forEach((spec: unknown, i) => {
    const at = `${where}[${i}]`;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
      throw new InvalidOptionError(at, 'must be an object {"name", "sha256", "scopes"}');
    const s = spec as Record<string, unknown>;
    for (const key of Object.keys(s)) {
      if (!['name', 'sha256', 'token', 'scopes'].includes(key))
        throw new InvalidOptionError(
          `${at}.${key.slice(0, 32)}`,
          `is not a field (name, sha256, token, scopes)${suggest(key, ['name', 'sha256', 'token', 'scopes'])}`,
        );
    }
    if (typeof s.name !== 'string' || !NAME.test(s.name))
      throw new InvalidOptionError(`${at}.name`, 'must be 1-64 letters, digits or . _ @ : -');
    if (names.has(s.name)) throw new InvalidOptionError(`${at}.name`, `'${s.name}' is given twice`);
    names.add(s.name);
    let digest: Buffer;
    if (s.sha256 !== undefined && s.token !== undefined)
      throw new InvalidOptionError(at, 'has both sha256 and token: keep sha256');
    if (s.sha256 !== undefined) {
      if (typeof s.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(s.sha256))
        throw new InvalidOptionError(`${at}.sha256`, 'must be 64 hex digits (sha256sum of the token)');
      digest = Buffer.from(s.sha256, 'hex');
    } else if (s.token !== undefined) {
      // The value is never echoed.
      if (typeof s.token !== 'string' || !TOKEN.test(s.token))
        throw new InvalidOptionError(`${at}.token`, BEARER_TOKEN_RULE);
      digest = createHash('sha256').update(s.token, 'utf8').digest();
      plain.push(s.name);
    } else {
      throw new InvalidOptionError(at, 'needs sha256 (the hex SHA-256 of the token)');
    }
    if (!Array.isArray(s.scopes) || s.scopes.length === 0)
      throw new InvalidOptionError(`${at}.scopes`, `must be a non-empty array of ${SCOPES.join(', ')}`);
    const scopes = new Set<Scope>();
    for (const scope of s.scopes as unknown[]) {
      if (typeof scope !== 'string' || !SCOPES.includes(scope as Scope)) {
        throw new InvalidOptionError(
          `${at}.scopes`,
          `'${String(scope).slice(0, 32)}' is not a scope (${SCOPES.join(', ')})${suggest(String(scope), SCOPES)}`,
        );
      }
      if (scopes.has(scope as Scope)) throw new InvalidOptionError(`${at}.scopes`, `'${scope}' is given twice`);
      scopes.add(scope as Scope);
    }
    if (tokens.some((t) => t.digest.equals(digest)))
      throw new InvalidOptionError(at, `has the same token as an earlier entry`);
    tokens.push({ name: s.name, digest, scopes });
  });
  return { tokens, plain };
}

/** Read and check a tokens file. @throws InvalidOptionError naming the file, entry and field. */
export function readTokensFile(path: string): { tokens: KnownToken[]; plain: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidOptionError(
      path,
      `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new InvalidOptionError(path, `is not JSON: ${(err as Error).message}`);
  }
  return checkTokens(v, path);
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  const m = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  return m === null ? undefined : m[1];
}

/** Finds the known token of a request, comparing digests in constant time. */
export class TokenTable {
  constructor(readonly tokens: readonly KnownToken[]) {}

  get size(): number {
    return this.tokens.length;
  }

  /** The entry whose token is `token`, or undefined. Every entry is compared, whatever matches. */
  find(token: string): KnownToken | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: KnownToken | undefined;
    for (const t of this.tokens) {
      // Equal lengths (32 bytes) by construction, as timingSafeEqual needs.
      if (timingSafeEqual(digest, t.digest) && found === undefined) found = t;
    }
    return found;
  }
}
