// Authentication over real HTTP: a tokens file (sha256 entries, one plain token with a
// warning), scopes per route (no token, an unknown one, the wrong scope, the right one), the
// single FLOWDIGEST_TOKEN, the per-address failure limit (429 + Retry-After, counted), tokens
// never in logs or messages, and the loopback-only bind without tokens (library and CLI).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_LOGS, resolveServeConfig } from '../dist/service/index.js';
import { ConfigError } from '../dist/index.js';
import { createService, digestId, readTokensFile, tokenSha256 } from '../dist/service/index.js';
import { http, until, windowQuery } from './support/http.js';
import { runCli } from './support/run-cli.js';
import { memoryLogger, startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-auth-');
const T = {
  reader: 'reader-token-0123456789',
  writer: 'writer-token-0123456789',
  worker: 'worker-token-0123456789',
  scraper: 'scraper-token-0123456789',
  plain: 'plain-token-0123456789',
};
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:50:00Z' };
const tokensFile = join(dir, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify([
    { name: 'reader', sha256: tokenSha256(T.reader), scopes: ['read'] },
    { name: 'writer', sha256: tokenSha256(T.writer), scopes: ['write', 'read'] },
    { name: 'worker', sha256: tokenSha256(T.worker), scopes: ['worker'] },
    { name: 'scraper', sha256: tokenSha256(T.scraper), scopes: ['metrics'] },
    { name: 'legacy', token: T.plain, scopes: ['read'] },
  ]),
);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
let s: Started;
let clock = Date.now();

beforeAll(async () => {
  s = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'store'),
    tokens: tokensFile,
    authFailures: { limit: 3, windowMs: 60_000 },
    now: () => clock,
  });
  // Stored once, so GETs have something to read.
  expect(
    (await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', headers: bearer(T.writer) })).status,
  ).toBe(202);
  await until(async () =>
    (await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { headers: bearer(T.reader) })).status === 200
      ? true
      : undefined,
  );
});
afterAll(async () => {
  await s?.close();
});

describe('scopes', () => {
  const job = JSON.stringify({ id: digestId(W.start, W.stop), ...W });
  const diff = `?${new URLSearchParams({ previous_start: W.start, previous_stop: W.stop, next_start: W.start, next_stop: W.stop })}`;
  const routes: {
    route: string;
    path: string;
    method: string;
    body?: string;
    scope: string;
    token: string;
    ok: number;
  }[] = [
    {
      route: 'GET /',
      path: `/${windowQuery(W.start, W.stop)}`,
      method: 'GET',
      scope: 'read',
      token: T.reader,
      ok: 200,
    },
    {
      route: 'GET /graph',
      path: `/graph${windowQuery(W.start, W.stop)}`,
      method: 'GET',
      scope: 'read',
      token: T.reader,
      ok: 200,
    },
    { route: 'GET /diff', path: `/diff${diff}`, method: 'GET', scope: 'read', token: T.reader, ok: 200 },
    {
      route: 'POST /',
      path: `/${windowQuery(W.start, W.stop)}`,
      method: 'POST',
      scope: 'write',
      token: T.writer,
      ok: 409,
    },
    {
      route: 'POST /{topic}/{event}',
      path: '/digest-queue/digest',
      method: 'POST',
      body: job,
      scope: 'worker',
      token: T.worker,
      ok: 204,
    },
    { route: 'GET /metrics', path: '/metrics', method: 'GET', scope: 'metrics', token: T.scraper, ok: 200 },
  ];

  it('answers each route 401 without a token or with an unknown one, 403 with the wrong scope, and serves the right one', async () => {
    for (const r of routes) {
      const call = (headers: Record<string, string> = {}) =>
        http(`${s.url}${r.path}`, {
          method: r.method,
          headers: { 'content-type': 'application/json', ...headers },
          ...(r.body === undefined ? {} : { body: r.body }),
        });
      const none = await call();
      const unknown = await call(bearer('not-a-token-of-this-service'));
      for (const denied of [none, unknown]) {
        expect(denied.status, r.route).toBe(401);
        expect(denied.headers['www-authenticate'], r.route).toBe('Bearer');
        // Neither says which of the two failed.
        expect(denied.json<{ message: string }>().message).toBe('missing or invalid bearer token');
      }
      const other = Object.values(T).find(
        (t) => t !== r.token && t !== T.plain && !(r.scope === 'read' && t === T.writer),
      )!;
      const wrong = await call(bearer(other));
      expect(wrong.status, `${r.route} with another scope`).toBe(403);
      expect(wrong.json<{ message: string }>().message).toBe('the token does not allow this operation');
      expect((await call(bearer(r.token))).status, `${r.route} with ${r.scope}`).toBe(r.ok);
      // The failures above are this address's: start each route afresh.
      clock += 61_000;
    }
  });

  it('leaves /healthz and /openapi.yaml open, accepts the plain token (with a warning), and logs no token', async () => {
    expect((await http(`${s.url}/healthz`)).status).toBe(200);
    expect((await http(`${s.url}/openapi.yaml`)).status).toBe(200);
    expect((await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { headers: bearer(T.plain) })).status).toBe(200);
    expect(s.logs.find((l) => String(l.msg).startsWith('tokens given in plain text'))).toMatchObject({
      level: 'warn',
      names: ['legacy'],
    });
    const logged = JSON.stringify(s.logs);
    for (const token of Object.values(T)) expect(logged).not.toContain(token);
    expect(s.logs.find((l) => l.msg === 'listening')).toMatchObject({
      auth: true,
      tokens: ['reader', 'writer', 'worker', 'scraper', 'legacy'],
    });
  });
});

it('rate-limits failed attempts per address: 429 with Retry-After, even for a good token, counted in metrics, lifted after the window', async () => {
  clock += 61_000;
  for (let i = 0; i < 3; i++)
    expect((await http(`${s.url}/metrics`, { headers: bearer(`guess-${i}-0123456789abcdef`) })).status).toBe(401);
  const limited = await http(`${s.url}/metrics`, { headers: bearer(T.scraper) });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
  expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  clock += 61_000;
  const m = await http(`${s.url}/metrics`, { headers: bearer(T.scraper) });
  expect(m.status).toBe(200);
  expect(m.text).toMatch(/^flowdigest_auth_failures_total\{reason="rate_limited"\} 1$/m);
  expect(m.text).toMatch(/^flowdigest_auth_failures_total\{reason="unknown"\} \d+$/m);
  expect(m.text).toMatch(/^flowdigest_auth_failures_total\{reason="scope"\} \d+$/m);
});

it('keeps FLOWDIGEST_TOKEN as one token with every scope', async () => {
  const token = 'single-token-0123456789';
  const one = await startService({ logs: BUNDLED_LOGS, store: join(dir, 'single'), token, queuer: 'self' });
  try {
    const auth = bearer(token);
    expect((await http(`${one.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', headers: auth })).status).toBe(
      202,
    );
    await until(async () =>
      (await http(`${one.url}/${windowQuery(W.start, W.stop)}`, { headers: auth })).status === 200 ? true : undefined,
    );
    expect((await http(`${one.url}/metrics`, { headers: auth })).status).toBe(200);
    expect((await http(`${one.url}/metrics`)).status).toBe(401);
  } finally {
    await one.close();
  }
});

it('checks the tokens file, naming the entry and field, never echoing a token', () => {
  const cases: [unknown, RegExp][] = [
    [{ name: 'x' }, /must be a JSON array/],
    [[{ name: 'a', sha256: 'abc', scopes: ['read'] }], /\[0\]\.sha256 must be 64 hex digits/],
    [
      [{ name: 'a', sha256: tokenSha256(T.reader), scopes: ['raed'] }],
      /\[0\]\.scopes 'raed' is not a scope \(read, write, worker, metrics\) \(did you mean read\?\)/,
    ],
    [[{ name: 'a', token: 'short secret', scopes: ['read'] }], /\[0\]\.token must be at least 16 printable characters/],
    [
      [
        { name: 'a', sha256: tokenSha256(T.reader), scopes: ['read'] },
        { name: 'a', sha256: tokenSha256(T.writer), scopes: ['read'] },
      ],
      /\[1\]\.name 'a' is given twice/,
    ],
    [[{ name: 'a', sha256: tokenSha256(T.reader), scopes: [] }], /\[0\]\.scopes must be a non-empty array/],
    [
      [{ name: 'a', sha256: tokenSha256(T.reader), scope: ['read'] }],
      /\[0\]\.scope is not a field .*did you mean scopes\?/,
    ],
  ];
  for (const [content, message] of cases) {
    const file = join(dir, 'bad-tokens.json');
    writeFileSync(file, JSON.stringify(content));
    expect(() => readTokensFile(file)).toThrow(message);
    let got = '';
    try {
      resolveServeConfig({ tokens: file }, {});
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      got = (err as Error).message;
    }
    expect(got).toMatch(/^--tokens .*bad-tokens\.json/);
    expect(got).not.toContain('short secret');
  }
  expect(resolveServeConfig({}, { FLOWDIGEST_TOKENS_FILE: tokensFile }).service.tokens).toBe(tokensFile);
});

describe('binding', () => {
  it('refuses a non-loopback address without tokens, unless told to', async () => {
    const service = createService({
      logs: BUNDLED_LOGS,
      store: join(dir, 'bind'),
      logger: memoryLogger([]),
      digester: { threads: 1 },
    });
    try {
      await expect(service.listen(0, '0.0.0.0')).rejects.toThrow(
        /^host 0\.0\.0\.0 is not a loopback address, and no tokens are configured/,
      );
    } finally {
      await service.close(0);
    }
    const lines: Record<string, unknown>[] = [];
    const open = createService({
      logs: BUNDLED_LOGS,
      store: join(dir, 'bind-open'),
      logger: memoryLogger(lines),
      digester: { threads: 1 },
      insecureNoAuth: true,
    });
    try {
      const { url } = await open.listen(0, '0.0.0.0');
      expect((await http(`${url}/healthz`)).status).toBe(200);
      expect(
        lines.some((l) => l.level === 'warn' && String(l.msg).startsWith('listening beyond loopback without tokens')),
      ).toBe(true);
    } finally {
      await open.close(0);
    }
  });

  it('says so in one line from the CLI, and exits 2', async () => {
    const r = await runCli([
      'serve',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--store',
      join(dir, 'cli-bind'),
      '--workers',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'flowdigest serve: refusing to listen on 0.0.0.0 (--host) without tokens: give --tokens FILE (or FLOWDIGEST_TOKEN), or --insecure-no-auth\n',
    );
  });
});
