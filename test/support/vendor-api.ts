/**
 * Loopback servers for the vendor APIs the collection sources call, speaking their documented
 * request and response shapes:
 *
 * - Slack Audit Logs: `GET /audit/v1/logs?oldest&latest&limit&cursor` (bounds inclusive, Unix
 *   seconds), `Authorization: Bearer`, `{ok, entries, response_metadata: {next_cursor}}`; bad
 *   auth is `401 {"ok":false,"error":"invalid_auth"}`.
 * - 1Password Events: `POST /api/v1/{signinattempts|itemusages|auditevents}` with a reset cursor
 *   `{limit, start_time, end_time}` (inclusive) or `{cursor}`; `{cursor, has_more, items}`; bad
 *   auth is `401 {"Error":{"Message":"Unauthorized"}}`.
 *
 * Records are held as raw JSON text, so numbers beyond 2^53 go out exactly as written. `faults`
 * can replace any response (429 with Retry-After, 5xx, a dropped connection) by request number.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A record: its raw JSON text and its time (ms). */
export interface VendorRecord {
  raw: string;
  timeMs: number;
}

/** A fault injected in place of the normal response; `drop` destroys the socket. */
export type Fault = { status: number; headers?: Record<string, string>; body?: string } | 'drop';

export interface VendorApi {
  endpoint: string;
  /** `METHOD path?query [body]` of every request, and its time (ms). */
  requests: { line: string; at: number; authorization?: string }[];
  slack: VendorRecord[];
  onepassword: Record<string, VendorRecord[]>;
  /** Decide, per request (its 1-based number in `requests`), whether to answer with a fault. */
  faults: (n: number, req: IncomingMessage) => Fault | undefined;
  close(): Promise<void>;
}

const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const decode = <T>(s: string): T | undefined => {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString()) as T;
  } catch {
    return undefined;
  }
};

export async function startVendorApi(token: string): Promise<VendorApi> {
  const api: VendorApi = {
    endpoint: '',
    requests: [],
    slack: [],
    onepassword: { signinattempts: [], itemusages: [], auditevents: [] },
    faults: () => undefined,
    close: async () => {},
  };
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  const sorted: { records?: VendorRecord[]; key?: string; list: { r: VendorRecord }[] } = { list: [] };
  const slack = (url: URL, req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, '{"ok":false,"error":"invalid_auth"}');
    const q = url.searchParams;
    const cursor = q.get('cursor');
    let state: { oldest: number; latest: number; limit: number; offset: number } | undefined;
    if (cursor) {
      state = decode(cursor);
      if (!state) return send(res, 400, '{"ok":false,"error":"invalid_cursor"}');
    } else {
      const oldest = Number(q.get('oldest') ?? 0);
      const latest = Number(q.get('latest') ?? 2 ** 31);
      const limit = Number(q.get('limit') ?? 100);
      if (
        !Number.isInteger(oldest) ||
        !Number.isInteger(latest) ||
        !Number.isInteger(limit) ||
        limit < 1 ||
        limit > 9999
      ) {
        return send(res, 400, '{"ok":false,"error":"invalid_arguments"}');
      }
      state = { oldest, latest, limit, offset: 0 };
    }
    // Newest first, as Slack sends them; ties in a stable order. Cached per query, so paging
    // a large set costs one sort, not one per page.
    const cacheKey = `${state.oldest}:${state.latest}`;
    if (sorted.records !== api.slack || sorted.key !== cacheKey) {
      sorted.records = api.slack;
      sorted.key = cacheKey;
      sorted.list = api.slack
        .map((r, i) => ({ r, i, s: Math.floor(r.timeMs / 1000) }))
        .filter((x) => x.s >= state.oldest && x.s <= state.latest)
        .sort((a, b) => b.s - a.s || a.i - b.i);
    }
    const matching = sorted.list;
    const page = matching.slice(state.offset, state.offset + state.limit);
    const more = state.offset + state.limit < matching.length;
    const next = more ? encode({ ...state, offset: state.offset + state.limit }) : '';
    send(
      res,
      200,
      `{"ok":true,"entries":[${page.map((x) => x.r.raw).join(',')}],"response_metadata":{"next_cursor":"${next}"}}`,
    );
  };

  const onepassword = (type: string, body: string, req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, '{"Error":{"Message":"Unauthorized"}}');
    const records = api.onepassword[type];
    if (!records) return send(res, 404, '{"Error":{"Message":"Not Found"}}');
    let input: { cursor?: string; limit?: number; start_time?: string; end_time?: string };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return send(res, 400, '{"Error":{"Message":"bad body"}}');
    }
    let state: { start: number; end: number; limit: number; offset: number } | undefined;
    if (input.cursor !== undefined) {
      state = decode(input.cursor);
      if (!state) return send(res, 400, '{"Error":{"Message":"invalid cursor"}}');
    } else {
      const start = input.start_time ? Date.parse(input.start_time) : 0;
      const end = input.end_time ? Date.parse(input.end_time) : Number.MAX_SAFE_INTEGER;
      const limit = input.limit ?? 100;
      if (Number.isNaN(start) || Number.isNaN(end) || !Number.isInteger(limit) || limit < 1 || limit > 1000)
        return send(res, 400, '{"Error":{"Message":"bad reset cursor"}}');
      state = { start, end, limit, offset: 0 };
    }
    const matching = records
      .map((r, i) => ({ r, i }))
      .filter((x) => x.r.timeMs >= state.start && x.r.timeMs <= state.end)
      .sort((a, b) => a.r.timeMs - b.r.timeMs || a.i - b.i);
    const page = matching.slice(state.offset, state.offset + state.limit);
    const more = state.offset + state.limit < matching.length;
    // The cursor always comes back: callers keep it for the next run.
    send(
      res,
      200,
      `{"cursor":"${encode({ ...state, offset: state.offset + page.length })}","has_more":${more},"items":[${page.map((x) => x.r.raw).join(',')}]}`,
    );
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const url = new URL(req.url ?? '/', 'http://x');
      api.requests.push({
        line: `${req.method} ${url.pathname}${url.search}${body ? ` ${body}` : ''}`,
        at: Date.now(),
        authorization: req.headers.authorization,
      });
      const fault = api.faults(api.requests.length, req);
      if (fault === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault) return send(res, fault.status, fault.body ?? '', fault.headers);
      if (req.method === 'GET' && url.pathname === '/audit/v1/logs') return slack(url, req, res);
      const op = /^\/api\/v1\/([a-z]+)$/.exec(url.pathname);
      if (req.method === 'POST' && op) return onepassword(op[1], body, req, res);
      send(res, 404, '{"error":"not_found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}

/** A Slack audit entry as raw JSON, with an exact 2^63-scale `seq` field. */
export function slackEntry(id: number, timeMs: number): VendorRecord {
  const big = (9223372036854775807n - BigInt(id)).toString();
  return {
    raw: `{"id":"e${id}","date_create":${Math.floor(timeMs / 1000)},"action":"user_login","actor":{"type":"user","user":{"id":"U${id}"}},"big":${big},"context":{"ua":"x\\"y\\nz"}}`,
    timeMs,
  };
}

/** A 1Password event as raw JSON (pretty-printed on purpose), with a big integer. */
export function onePasswordItem(id: number, timeMs: number): VendorRecord {
  const big = (18446744073709551615n - BigInt(id)).toString();
  return {
    raw: `{\n  "uuid": "u${id}",\n  "timestamp": "${new Date(timeMs).toISOString()}",\n  "counter": ${big},\n  "note": "a b"\n}`,
    timeMs,
  };
}
