/**
 * Response bodies: stored digests are streamed (never buffered per request), with gzip
 * Content-Encoding when the client accepts it and inflated on the fly when it does not; a
 * gzip body is never sent as plain bytes. Rendered bodies are compressed when accepted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { StoredBody } from '../types.js';

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3: `gzip`, `x-gzip` or `*`, with q > 0). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string' || header.length > 1024) return false;
  let gzip: number | undefined, star: number | undefined;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const p of params) {
      const m = /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p);
      if (m !== null) q = Number(m[1]);
    }
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (coding === '*') star = q;
  }
  return (gzip ?? star ?? 0) > 0;
}

/** Stream a stored body to the client. */
export async function sendStored(req: IncomingMessage, res: ServerResponse, stored: StoredBody, contentType: string): Promise<void> {
  const headers: Record<string, string | number> = { 'content-type': contentType, vary: 'Accept-Encoding', 'cache-control': 'no-cache' };
  try {
    if (stored.encoding === 'gzip' && acceptsGzip(req)) {
      headers['content-encoding'] = 'gzip';
      if (stored.size !== undefined) headers['content-length'] = stored.size;
      res.writeHead(200, headers);
      await pipeline(stored.body, res);
    } else if (stored.encoding === 'gzip') {
      res.writeHead(200, headers);
      await pipeline(stored.body, createGunzip({ chunkSize: 64 * 1024 }), res);
    } else {
      if (stored.size !== undefined) headers['content-length'] = stored.size;
      res.writeHead(200, headers);
      await pipeline(stored.body, res);
    }
  } finally {
    stored.body.destroy();
  }
}

/**
 * Write a rendered body through `write`, gzip-compressed when accepted. Headers are sent when
 * the first byte is written, so a failure before it can still become an error status.
 */
export async function sendRendered(req: IncomingMessage, res: ServerResponse, contentType: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const gzip = acceptsGzip(req);
  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'content-type': contentType, vary: 'Accept-Encoding', 'cache-control': 'no-cache', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  };
  const sink = new PassThrough({ highWaterMark: 256 * 1024 });
  sink.once('data', start);
  const piping = gzip ? pipeline(body, createGzip({ chunkSize: 64 * 1024 }), sink, res) : pipeline(body, sink, res);
  piping.catch(() => {});
  try {
    const writing = write(body);
    writing.catch(() => {});
    await Promise.race([writing, piping]);
    await writing;
    body.end();
    start();
    await piping;
  } catch (err) {
    body.destroy();
    throw err;
  }
  if (!res.writableFinished) await once(res, 'finish').catch(() => {});
}
