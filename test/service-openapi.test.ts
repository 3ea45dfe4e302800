// The OpenAPI document is generated from the route schemas (@fastify/swagger), and it is true
// of the live service: src/service/api.yaml is the live document; every documented status of
// every operation (401, 403 and 429 included) is produced by a real request, every status the
// requests produce is documented, with a documented content type, and JSON bodies carry their
// schema's required fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRAPH_VIEW_OPTIONS } from '../dist/graph/options.js';
import { BUNDLED_LOGS, digestId, openapiYaml, type Storage, type TokenSpec } from '../dist/service/index.js';
import { http, type HttpResult, until, windowQuery } from './support/http.js';
import { GatedSource, startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

type Obj = Record<string, unknown>;
const API_YAML = fileURLToPath(new URL('../src/service/api.yaml', import.meta.url));
const TOKEN = 'openapi-test-token-0123';
const READER = 'openapi-reader-token-0123';
const METRICS = 'openapi-metrics-token-0123';
const TOKENS: TokenSpec[] = [
  { name: 'all', token: TOKEN, scopes: ['read', 'write', 'worker', 'metrics'] },
  { name: 'reader', token: READER, scopes: ['read'] },
  { name: 'scraper', token: METRICS, scopes: ['metrics'] },
];
const AUTH = { authorization: `Bearer ${TOKEN}` };
const dir = tempDir('flowdigest-service-openapi-');
const win = (h: number, m = 0, len = 10) => {
  const t = Date.UTC(2026, 0, 15, h, m);
  return {
    start: new Date(t).toISOString().replace('.000', ''),
    stop: new Date(t + len * 60_000).toISOString().replace('.000', ''),
  };
};
const A = win(16, 20, 30),
  B = win(16, 30, 20);

let source: GatedSource, held: GatedSource;
let main: Started, broken: Started, noQueue: Started, limited: Started, stopping: Started;
let document: Obj;

beforeAll(async () => {
  source = new GatedSource(BUNDLED_LOGS);
  held = new GatedSource(BUNDLED_LOGS);
  main = await startService({
    logs: source,
    store: join(dir, 'main'),
    tokens: TOKENS,
    jobs: 1,
    maxQueued: 1,
    authFailures: { limit: 1000 },
  });
  const fail = async () => {
    throw new Error('storage down');
  };
  const failing: Storage = { description: 'failing', has: fail, put: fail, open: fail, meta: fail };
  broken = await startService({ logs: BUNDLED_LOGS, storage: failing, store: join(dir, 'broken') });
  noQueue = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'noqueue'),
    queuer: {
      description: 'down',
      enqueue: async () => {
        throw new Error('bus down');
      },
    },
  });
  limited = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'limited'),
    tokens: TOKENS,
    authFailures: { limit: 1, windowMs: 60_000 },
  });
  stopping = await startService({ logs: held, store: join(dir, 'stopping') });
  document = await main.service.openapi();
});
afterAll(async () => {
  source?.open();
  held?.open();
  await Promise.all([main?.close(), broken?.close(), noQueue?.close(), limited?.close(), stopping?.close()]);
});

it('api.yaml is the live document, written by npm run api:yaml', async () => {
  const committed = readFileSync(API_YAML, 'utf8');
  expect(committed, 'src/service/api.yaml is stale: run npm run api:yaml').toBe(await openapiYaml());
  expect(committed).toContain(await main.service.openapiYaml());
  // The schema's bounds are the code's: one source of truth.
  const top = (((document.paths as Obj)['/graph'] as Obj).get as { parameters: Obj[] }).parameters.find(
    (p) => p.name === 'top',
  );
  expect(top?.schema).toMatchObject({
    type: 'integer',
    minimum: GRAPH_VIEW_OPTIONS.top.min,
    maximum: GRAPH_VIEW_OPTIONS.top.max,
  });
  expect((document.components as Obj).securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' } });
});

it('every documented status of every operation happens on the live service, and nothing else', async () => {
  const seen = new Map<string, HttpResult>();
  const call = async (op: string, url: string, options: Parameters<typeof http>[1] = {}) => {
    const r = await http(url, options);
    const key = `${op} ${r.status}`;
    if (!seen.has(key)) seen.set(key, r);
    return r;
  };
  const u = main.url;
  const q = (w: { start: string; stop: string }, extra: Record<string, string> = {}) =>
    windowQuery(w.start, w.stop, extra);
  const dq = (
    prev: { start: string; stop: string },
    next: { start: string; stop: string },
    extra: Record<string, string> = {},
  ) =>
    `?${new URLSearchParams({ previous_start: prev.start, previous_stop: prev.stop, next_start: next.start, next_stop: next.stop, ...extra })}`;
  const job = (w: { start: string; stop: string }) => JSON.stringify({ id: digestId(w.start, w.stop), ...w });
  const json = { 'content-type': 'application/json', ...AUTH };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  // Each scoped route: 401 without a token, 403 with the wrong scope, 429 once rate-limited.
  const scoped: [string, string, string, string?][] = [
    ['POST /', `/${q(A)}`, 'POST'],
    ['GET /', `/${q(A)}`, 'GET'],
    ['GET /graph', `/graph${q(A)}`, 'GET'],
    ['GET /diff', `/diff${dq(A, B)}`, 'GET'],
    ['GET /report', `/report${q(A)}`, 'GET'],
    ['POST /{topic}/{event}', '/digest-queue/digest', 'POST', job(A)],
    ['GET /metrics', '/metrics', 'GET'],
  ];
  for (const [op, path, method, body] of scoped) {
    const options = { method, ...(body === undefined ? {} : { body }) };
    expect((await call(op, `${u}${path}`, options)).status, op).toBe(401);
    const wrong = op === 'GET /metrics' || op === 'POST /' || op.includes('topic') ? READER : METRICS;
    expect((await call(op, `${u}${path}`, { ...options, headers: as(wrong) })).status, op).toBe(403);
  }
  await http(`${limited.url}/metrics`, { headers: as('not-a-known-token-at-all') });
  for (const [op, path, method, body] of scoped) {
    // Even the right token: the address is blocked for now.
    const r = await call(op, `${limited.url}${path}`, {
      method,
      headers: AUTH,
      ...(body === undefined ? {} : { body }),
    });
    expect(r.status, op).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  }

  // Made and served.
  expect((await call('POST /', `${u}/${q(A)}`, { method: 'POST', headers: AUTH })).status).toBe(202);
  await call('POST /', `${u}/${q(B)}`, { method: 'POST', headers: AUTH });
  for (const w of [A, B])
    await until(async () => ((await http(`${u}/${q(w)}`, { headers: AUTH })).status === 200 ? true : undefined));
  await call('POST /', `${u}/${q(A)}`, { method: 'POST', headers: AUTH });
  for (const format of ['text', 'ndjson', 'dot', 'svg', 'stats'])
    await call('GET /', `${u}/${q(A, { format })}`, { headers: AUTH });
  for (const format of ['dot', 'svg'])
    await call('GET /graph', `${u}/graph${q(A, { format, top: '5' })}`, { headers: AUTH });
  for (const format of ['dot', 'svg', 'text', 'ndjson'])
    await call('GET /diff', `${u}/diff${dq(A, B, { format })}`, { headers: AUTH });
  for (const format of ['json', 'html'])
    await call('GET /report', `${u}/report${q(A, { format, baseline_start: B.start, baseline_stop: B.stop })}`, {
      headers: AUTH,
    });
  await call('POST /{topic}/{event}', `${u}/digest-queue/digest`, { method: 'POST', body: job(A), headers: json });
  await call('GET /healthz', `${u}/healthz`);
  await call('GET /metrics', `${u}/metrics`, { headers: as(METRICS) });
  await call('GET /openapi.yaml', `${u}/openapi.yaml`);

  // Bad input, and windows never asked for.
  const never = win(10);
  await call('POST /', `${u}/?start=soon&stop=later`, { method: 'POST', headers: AUTH });
  await call('GET /', `${u}/${q(A, { format: 'pdf' })}`, { headers: AUTH });
  await call('GET /graph', `${u}/graph${q(A, { top: '-1' })}`, { headers: AUTH });
  await call('GET /report', `${u}/report${q(A, { top: '0' })}`, { headers: AUTH });
  await call('GET /diff', `${u}/diff?previous_start=x`, { headers: AUTH });
  await call('POST /{topic}/{event}', `${u}/digest-queue/digest`, { method: 'POST', body: '{', headers: json });
  await call('POST /{topic}/{event}', `${u}/digest-queue/digest`, {
    method: 'POST',
    body: job(A),
    headers: { ...AUTH, 'content-type': 'text/csv' },
  });
  await call('POST /{topic}/{event}', `${u}/digest-queue/digest`, {
    method: 'POST',
    body: 'x'.repeat(17_000),
    headers: json,
  });
  await call('POST /{topic}/{event}', `${u}/another-topic/digest`, { method: 'POST', body: job(A), headers: json });
  await call('GET /', `${u}/${q(never)}`, { headers: AUTH });
  await call('GET /graph', `${u}/graph${q(never)}`, { headers: AUTH });
  await call('GET /report', `${u}/report${q(never)}`, { headers: AUTH });
  await call('GET /diff', `${u}/diff${dq(A, never)}`, { headers: AUTH });

  // In progress, accepted, and full: one job runs (held by the gate), one waits, then no room.
  source.close();
  try {
    const P = win(16, 40),
      Q = win(16, 45),
      R = win(16, 50),
      S = win(16, 55);
    expect((await call('POST /', `${u}/${q(P)}`, { method: 'POST', headers: AUTH })).status).toBe(202);
    await until(async () => (source.reads > 0 ? true : undefined));
    await call('GET /', `${u}/${q(P)}`, { headers: AUTH });
    await call('GET /graph', `${u}/graph${q(P)}`, { headers: AUTH });
    await call('GET /report', `${u}/report${q(P)}`, { headers: AUTH });
    await call('GET /diff', `${u}/diff${dq(A, P)}`, { headers: AUTH });
    await call('POST /{topic}/{event}', `${u}/digest-queue/digest`, {
      method: 'POST',
      body: job(Q),
      headers: { ...json, prefer: 'respond-async' },
    });
    await call('POST /', `${u}/${q(R)}`, { method: 'POST', headers: AUTH });
    await call('POST /{topic}/{event}', `${u}/digest-queue/digest`, { method: 'POST', body: job(S), headers: json });
  } finally {
    source.open();
  }

  // Two windows stored under different keys (serve --key changed between them): 409.
  const keyedStore = join(dir, 'keyed');
  const made = async (base: string, w: { start: string; stop: string }) => {
    await http(`${base}/${q(w)}`, { method: 'POST' });
    await until(async () => ((await http(`${base}/${q(w)}`)).status === 200 ? true : undefined));
  };
  const first = await startService({ logs: BUNDLED_LOGS, store: keyedStore, key: 'srcaddr dstaddr dstport action' });
  try {
    await made(first.url, A);
  } finally {
    await first.close();
  }
  const second = await startService({ logs: BUNDLED_LOGS, store: keyedStore, key: 'srcaddr dstaddr action' });
  try {
    await made(second.url, B);
    await call('GET /diff', `${second.url}/diff${dq(A, B)}`);
  } finally {
    await second.close();
  }

  // Storage down (500), queue down (502).
  await call('GET /', `${broken.url}/${q(A)}`);
  await call('POST /', `${broken.url}/${q(A)}`, { method: 'POST' });
  await call('GET /graph', `${broken.url}/graph${q(A)}`);
  await call('GET /report', `${broken.url}/report${q(A)}`);
  await call('GET /diff', `${broken.url}/diff${dq(A, B)}`);
  await call('POST /{topic}/{event}', `${broken.url}/digest-queue/digest`, { method: 'POST', body: job(A) });
  await call('POST /', `${noQueue.url}/${q(A)}`, { method: 'POST' });
  // 5xx answers are logged with the stack; the client sees no internals.
  expect(broken.logs.find((l) => l.msg === 'request failed')).toMatchObject({
    error: 'storage down',
    stack: expect.stringMatching(/^Error: storage down\n\s+at /),
  });
  expect((await http(`${broken.url}/${q(A)}`)).json<{ message: string }>().message).toBe('internal error');
  expect(main.logs.some((l) => 'stack' in l)).toBe(false);

  // Stopping (503 on every route, the listener open) while its one job runs out the grace.
  held.close();
  expect((await http(`${stopping.url}/${q(A)}`, { method: 'POST' })).status).toBe(202);
  await until(async () => (held.reads > 0 ? true : undefined));
  const closed = stopping.close(60_000);
  await until(async () => ((await http(`${stopping.url}/healthz`)).status === 503 ? true : undefined));
  for (const [op, path, method, body] of [
    ['GET /', `/${q(A)}`, 'GET'],
    ['POST /', `/${q(A)}`, 'POST'],
    ['GET /graph', `/graph${q(A)}`, 'GET'],
    ['GET /diff', `/diff${dq(A, B)}`, 'GET'],
    ['GET /report', `/report${q(A)}`, 'GET'],
    ['POST /{topic}/{event}', '/digest-queue/digest', 'POST', job(A)],
    ['GET /healthz', '/healthz', 'GET'],
    ['GET /metrics', '/metrics', 'GET'],
    ['GET /openapi.yaml', '/openapi.yaml', 'GET'],
  ] as const)
    await call(op, `${stopping.url}${path}`, { method, ...(body === undefined ? {} : { body }) });
  held.open();
  await closed;

  // Documented == seen, and each answer matches its documentation.
  const paths = document.paths as Obj;
  const documented: string[] = [];
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops as Obj)) {
      for (const status of Object.keys((op as Obj).responses as Obj))
        documented.push(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  expect([...seen.keys()].sort()).toEqual(documented.sort());
  for (const [key, r] of seen) {
    const [method, path, status] = key.split(' ');
    const response = ((paths[path] as Obj)[method.toLowerCase()] as Obj).responses as Obj;
    const content = (response[status] as Obj).content as Obj | undefined;
    if (content === undefined) {
      expect(r.body.length, key).toBe(0);
      continue;
    }
    const type = String(r.headers['content-type']).split(';')[0];
    expect(Object.keys(content), key).toContain(type);
    if (type === 'application/json') {
      const schema = resolve((content[type] as Obj).schema as Obj);
      const body = r.json();
      for (const field of (schema.required as string[] | undefined) ?? [])
        expect(body, `${key} ${field}`).toHaveProperty(field);
    }
    if (status === '401') expect(r.headers['www-authenticate'], key).toBe('Bearer');
  }
});

it('answers HEAD on every GET route, 405 listing the methods, and 404 off the documented paths', async () => {
  for (const [path, ops] of Object.entries(document.paths as Obj)) {
    const concrete = path.replace('{topic}', 'digest-queue').replace('{event}', 'digest');
    const r = await http(`${main.url}${concrete}`, { method: 'PUT' });
    expect(r.status, path).toBe(405);
    const methods = Object.keys(ops as Obj).map((m) => m.toUpperCase());
    expect(r.headers.allow?.split(', ').sort()).toEqual(
      [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort(),
    );
    if (!methods.includes('GET')) continue;
    const query =
      path === '/' || path === '/graph'
        ? windowQuery(A.start, A.stop)
        : path === '/diff'
          ? `?${new URLSearchParams({ previous_start: A.start, previous_stop: A.stop, next_start: B.start, next_stop: B.stop })}`
          : '';
    const [get, head] = [
      await http(`${main.url}${concrete}${query}`, { headers: AUTH }),
      await http(`${main.url}${concrete}${query}`, { method: 'HEAD', headers: AUTH }),
    ];
    expect(head.status, `HEAD ${path}`).toBe(get.status);
    expect(head.headers['content-type'], `HEAD ${path}`).toBe(get.headers['content-type']);
    expect(head.body.length, `HEAD ${path}`).toBe(0);
  }
  expect((await http(`${main.url}/graphs`)).status).toBe(404);
});

function resolve(o: Obj): Obj {
  const ref = o.$ref as string | undefined;
  if (ref === undefined) return o;
  return ((document.components as Obj).schemas as Obj)[ref.split('/').pop()!] as Obj;
}
