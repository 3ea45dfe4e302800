/**
 * A loopback Cloud Storage server speaking what `@google-cloud/storage` v7 sends for resumable
 * uploads, downloads and deletes (seen by logging its requests):
 *
 * - `POST /upload/storage/v1/b/{bucket}/o?uploadType=resumable&name=…` with the object's JSON
 *   metadata (content type in `X-Upload-Content-Type`) → 200 with a `Location` session URI;
 * - `PUT {session}` with `Content-Range: bytes a-b/total|*` (a chunk) or `bytes a-*\/*` (the
 *   whole rest in one streamed request, what v7 sends without `chunkSize`) → 308 with `Range`
 *   while incomplete, the object's metadata (with `crc32c` and `md5Hash`) once complete; a
 *   request cut off mid-body adds nothing; `bytes *\/*` asks for the status;
 * - `GET /storage/v1/b/{bucket}/o/{name}?alt=media` (and `/download/storage/v1/...`) → the bytes, with `x-goog-hash`;
 * - `GET /storage/v1/b/{bucket}/o/{name}` → metadata; `DELETE` → 204;
 * - `GET /storage/v1/b/{bucket}/o?prefix=` → `{kind, items}` (one page).
 *
 * An object exists only once its upload's last byte arrived: exactly the visibility rule the
 * destination relies on. `failNextPut` makes the next chunk PUT answer 503, for retry tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  bucket: string;
  name: string;
  bytes: Buffer;
  contentType?: string;
  generation: number;
}

export interface GcsServer {
  endpoint: string;
  /** `METHOD path?query` of every request, in order. */
  requests: string[];
  objects: Map<string, StoredObject>;
  /** Upload sessions not (yet) finalised. */
  sessions: Map<
    string,
    { bucket: string; name: string; received: Buffer[]; size: number; metadata: Record<string, unknown> }
  >;
  failNextPut: number;
  close(): Promise<void>;
}

// CRC32C (Castagnoli), as Cloud Storage reports it: big-endian, base64.
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();
export function crc32c(bytes: Buffer): string {
  let c = 0xffffffff;
  for (const b of bytes) c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

const key = (bucket: string, name: string) => `${bucket}/${name}`;

export async function startGcsServer(): Promise<GcsServer> {
  let generation = 1;
  const state: GcsServer = {
    endpoint: '',
    requests: [],
    objects: new Map(),
    sessions: new Map(),
    failNextPut: 0,
    close: async () => {},
  };
  const meta = (o: StoredObject) => ({
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    size: String(o.bytes.length),
    contentType: o.contentType,
    crc32c: crc32c(o.bytes),
    md5Hash: createHash('md5').update(o.bytes).digest('base64'),
  });
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer | undefined>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('aborted', () => resolve(undefined));
      req.on('error', () => resolve(undefined));
    });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    const object = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
    if (
      upload &&
      req.method === 'POST' &&
      url.searchParams.get('uploadType') === 'resumable' &&
      !url.searchParams.has('upload_id')
    ) {
      const body = await readBody(req);
      const metadata = body && body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
      // The client sends the content type as X-Upload-Content-Type, not in the metadata body.
      const uploadType = req.headers['x-upload-content-type'];
      if (metadata.contentType === undefined && typeof uploadType === 'string') metadata.contentType = uploadType;
      const name = url.searchParams.get('name') ?? (metadata.name as string | undefined);
      if (!name) return json(res, 400, { error: { code: 400, message: 'no name' } });
      const id = randomBytes(8).toString('hex');
      state.sessions.set(id, { bucket: decodeURIComponent(upload[1]), name, received: [], size: 0, metadata });
      res.writeHead(200, {
        location: `${state.endpoint}/upload/storage/v1/b/${upload[1]}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`,
      });
      return res.end();
    }
    if (upload && req.method === 'PUT' && url.searchParams.has('upload_id')) {
      const session = state.sessions.get(url.searchParams.get('upload_id')!);
      if (!session) return json(res, 404, { error: { code: 404, message: 'no such upload' } });
      const body = await readBody(req);
      if (body === undefined) return; // cut off mid-body: nothing added
      if (state.failNextPut > 0) {
        state.failNextPut--;
        return json(res, 503, { error: { code: 503, message: 'try again' } });
      }
      // `a-b/total|*` a chunk; `a-*/total|*` the rest of the object in one streamed request
      // (complete when the request body ends); `*\/total|*` a status query.
      const range = /^bytes (?:\*|(\d+)-(\d+|\*))\/(\*|\d+)$/.exec(req.headers['content-range'] ?? '');
      if (!range)
        return json(res, 400, { error: { code: 400, message: `bad Content-Range ${req.headers['content-range']}` } });
      const streamed = range[2] === '*';
      if (range[1] !== undefined) {
        const first = Number(range[1]);
        if (first !== session.size)
          return json(res, 400, { error: { code: 400, message: `chunk starts at ${first}, have ${session.size}` } });
        session.received.push(body);
        session.size += body.length;
      }
      const total = range[3] === '*' ? (streamed ? session.size : undefined) : Number(range[3]);
      if (total !== undefined && session.size === total && range[1] !== undefined) {
        const o: StoredObject = {
          bucket: session.bucket,
          name: session.name,
          bytes: Buffer.concat(session.received),
          contentType: session.metadata.contentType as string | undefined,
          generation: generation++,
        };
        state.objects.set(key(o.bucket, o.name), o);
        state.sessions.delete(url.searchParams.get('upload_id')!);
        return json(res, 200, meta(o));
      }
      res.writeHead(308, session.size > 0 ? { range: `bytes=0-${session.size - 1}` } : {});
      return res.end();
    }
    const listing = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (listing && req.method === 'GET') {
      const bucket = decodeURIComponent(listing[1]);
      const prefix = url.searchParams.get('prefix') ?? '';
      const items = [...state.objects.values()]
        .filter((o) => o.bucket === bucket && o.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(meta);
      return json(res, 200, { kind: 'storage#objects', items });
    }
    if (object) {
      const o = state.objects.get(key(decodeURIComponent(object[1]), decodeURIComponent(object[2])));
      if (req.method === 'DELETE') {
        if (!o) return json(res, 404, { error: { code: 404, message: 'No such object' } });
        state.objects.delete(key(o.bucket, o.name));
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'GET') {
        if (!o) return json(res, 404, { error: { code: 404, message: `No such object: ${object[1]}/${object[2]}` } });
        if (url.searchParams.get('alt') === 'media') {
          res.writeHead(200, {
            'content-type': o.contentType ?? 'application/octet-stream',
            'content-length': o.bytes.length,
            'x-goog-hash': `crc32c=${crc32c(o.bytes)},md5=${createHash('md5').update(o.bytes).digest('base64')}`,
            'x-goog-generation': String(o.generation),
          });
          return res.end(o.bytes);
        }
        return json(res, 200, meta(o));
      }
    }
    json(res, 404, { error: { code: 404, message: `not implemented: ${req.method} ${url.pathname}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
