/**
 * A webhook receiver for audit tests: a real HTTP server on loopback that verifies each
 * request's `X-Flowdigest-Signature` the way a receiver should (HMAC-SHA256 of the raw body,
 * compared in constant time), answers as `respond` says, and keeps the batches it accepted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  id: string;
  type: string;
  action: string;
  payload: Record<string, unknown>;
  [k: string]: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  /** Batches answered 2xx, in arrival order. */
  accepted: ReceivedEvent[][];
  /** Every request: its number of events and the status answered. */
  requests: { events: number; status: number; at: number }[];
  /** Requests whose signature did not verify (answered 401). */
  badSignatures: number;
  /** Ids of every accepted event, repeats included. */
  ids(): string[];
  close(): Promise<void>;
}

/** Verify `X-Flowdigest-Signature` of a raw body: what a receiver in production does. */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Start a receiver; `respond(n)` (n = 1 for the first request) decides each answer. @default 200 */
export async function startReceiver(
  secret: string,
  respond: (n: number) => Reply = () => ({ status: 200 }),
  port = 0,
): Promise<Receiver> {
  const r: Omit<Receiver, 'url' | 'close'> = {
    accepted: [],
    requests: [],
    badSignatures: 0,
    ids: () => r.accepted.flat().map((e) => e.id),
  };
  let n = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const header = req.headers['x-flowdigest-signature'];
    let reply: Reply;
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json') reply = { status: 415 };
    else if (!verifySignature(secret, body, typeof header === 'string' ? header : undefined)) {
      r.badSignatures++;
      reply = { status: 401 };
    } else reply = respond(++n);
    const events =
      reply.status === 401 || reply.status === 415 ? [] : (JSON.parse(body.toString('utf8')) as ReceivedEvent[]);
    r.requests.push({ events: events.length, status: reply.status, at: Date.now() });
    if (reply.status >= 200 && reply.status < 300) r.accepted.push(events);
    res.writeHead(reply.status, reply.headers).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    ...r,
    get accepted() {
      return r.accepted;
    },
    get requests() {
      return r.requests;
    },
    get badSignatures() {
      return r.badSignatures;
    },
    url: `http://127.0.0.1:${bound}/audit`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** An event input for tests. */
export function input(n: number, over: Record<string, unknown> = {}) {
  return {
    type: 'digest' as const,
    action: 'requested' as const,
    actor: { name: 'ci', ip: '127.0.0.1', authentication: 'token' as const },
    payload: { n },
    status: 'success' as const,
    ...over,
  };
}

/** A logger that keeps what it is told. */
export function memoryLogger() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: object, msg: string) => {
    lines.push({ level, msg, fields: fields as Record<string, unknown> });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** The value of a counter or gauge series in a prom-client registry (0 when absent). */
export async function metricValue(
  registry: { getSingleMetric(name: string): unknown },
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name) as
    | { get(): Promise<{ values: { value: number; labels: Record<string, string | number> }[] }> }
    | undefined;
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return hit?.value ?? 0;
}
