/**
 * Response bodies: stored digests are streamed (never buffered per request), with gzip
 * Content-Encoding when the client accepts it and inflated on the fly when it does not; a
 * gzip body is never sent as plain bytes. Rendered bodies are compressed when accepted.
 */
import { once } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredBody } from '../types.js';

/** Whether Accept-Encoding allows gzip (RFC 9110 §12.5.3: `gzip`, `x-gzip` or `*`, with q > 0). */
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const header = headers['accept-encoding'];
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

const BODY_HEADERS = { vary: 'Accept-Encoding', 'cache-control': 'no-cache' };

/** Stream a stored body to the client: the stored gzip passed through when accepted. */
export function sendStored(
  request: FastifyRequest,
  reply: FastifyReply,
  stored: StoredBody,
  contentType: string,
): FastifyReply {
  reply.headers({ ...BODY_HEADERS, 'content-type': contentType });
  let body: Readable = stored.body;
  if (stored.encoding === 'gzip' && acceptsGzip(request.headers)) {
    reply.header('content-encoding', 'gzip');
    if (stored.size !== undefined) reply.header('content-length', stored.size);
  } else if (stored.encoding === 'gzip') {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    pipeline(stored.body, gunzip).catch(() => {
      /* fastify sees the error on gunzip and cuts the response short */
    });
    body = gunzip;
  } else if (stored.size !== undefined) {
    reply.header('content-length', stored.size);
  }
  // Released however the response ends (finished, failed, client gone).
  reply.raw.once('close', () => {
    stored.body.destroy();
  });
  return reply.send(body);
}

/**
 * Send a body rendered by `write`, gzip-compressed when accepted. Nothing is sent until the
 * first byte is ready, so a failure before it still becomes an error status; `beforeSend`
 * runs then (the audit record of the read).
 */
export async function sendRendered(
  request: FastifyRequest,
  reply: FastifyReply,
  contentType: string,
  write: (out: Writable) => Promise<void>,
  beforeSend?: () => Promise<void>,
): Promise<FastifyReply> {
  const gzip = acceptsGzip(request.headers);
  const body = new PassThrough({ highWaterMark: 256 * 1024 });
  const writing = write(body).then(() => {
    body.end();
  });
  writing.catch((err: unknown) => body.destroy(err as Error));
  // The first byte, or the end of an empty body, or the failure.
  const first = once(body, 'readable');
  first.catch(() => {
    /* the failure is writing's */
  });
  await Promise.race([first, writing]);
  try {
    await beforeSend?.();
  } catch (err) {
    body.destroy();
    throw err;
  }
  reply.headers({ ...BODY_HEADERS, 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  const closed = once(reply.raw, 'close');
  if (gzip) {
    const out = createGzip({ chunkSize: 64 * 1024 });
    pipeline(body, out).catch(() => {
      /* cut short: fastify sees the error on out */
    });
    reply.send(out);
  } else {
    reply.send(body);
  }
  // The caller's render slot (and the digest it holds) is kept until the body is sent.
  await closed;
  return reply;
}
