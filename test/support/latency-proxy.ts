/**
 * A plain HTTP proxy in front of s3rver that adds latency per request, records what passed, and
 * can stall object bodies. Headers go through untouched, so SigV4 signatures (which cover the
 * Host header) still verify.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** Added before each request is forwarded. @default 0 */
  delayMs?: number;
  /** For GetObject: send this many body bytes, then hold the response open. */
  stallBodyAfter?: number;
  /** Answer this many first GetObject requests with 503 SlowDown. */
  throttleGets?: number;
  /** Cut this many first GetObject bodies off halfway (the connection is destroyed). */
  cutBodies?: number;
}

export interface LatencyProxy {
  endpoint: string;
  /** `METHOD path?query` of every request, in arrival order. */
  requests: string[];
  /** Resolves when a stalled body has sent its bytes. */
  stalled: Promise<void>;
  /** Responses the client closed before they ended. */
  readonly clientAborts: number;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: string, options: ProxyOptions = {}): Promise<LatencyProxy> {
  const upstream = new URL(target);
  const requests: string[] = [];
  let clientAborts = 0;
  let onStalled!: () => void;
  const stalled = new Promise<void>((resolve) => {
    onStalled = resolve;
  });
  const isGetObject = (req: IncomingMessage) =>
    req.method === 'GET' &&
    !/[?&](list-type|prefix|uploads)=?/.test(req.url ?? '') &&
    (req.url ?? '').split('?')[0].split('/').length > 2;

  let throttled = 0,
    cut = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (isGetObject(req) && throttled < (options.throttleGets ?? 0)) {
      throttled++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
      );
      return;
    }
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (options.stallBodyAfter !== undefined && isGetObject(req) && (upRes.statusCode ?? 0) < 300) {
          let sent = 0;
          upRes.on('data', (chunk: Buffer) => {
            if (sent >= options.stallBodyAfter!) return;
            const part = chunk.subarray(0, options.stallBodyAfter! - sent);
            sent += part.length;
            res.write(part);
            if (sent >= options.stallBodyAfter!) onStalled();
          });
          return;
        }
        if (isGetObject(req) && (upRes.statusCode ?? 0) < 300 && cut < (options.cutBodies ?? 0)) {
          cut++;
          const half = Math.floor(Number(upRes.headers['content-length']) / 2);
          let sent = 0;
          upRes.on('data', (chunk: Buffer) => {
            if (sent >= half) return;
            const part = chunk.subarray(0, half - sent);
            sent += part.length;
            res.write(part, () => {
              if (sent >= half) res.socket?.destroy();
            });
          });
          return;
        }
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.on('close', () => {
      if (!res.writableFinished) clientAborts++;
    });
    const delay = options.delayMs ?? 0;
    if (delay > 0) setTimeout(() => forward(req, res), delay);
    else forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stalled,
    get clientAborts() {
      return clientAborts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
