/**
 * A minimal loopback SQS server speaking the AWS JSON 1.0 protocol the current
 * `@aws-sdk/client-sqs` uses (`POST` with `X-Amz-Target: AmazonSQS.<Action>` and
 * `Content-Type: application/x-amz-json-1.0`): ReceiveMessage, DeleteMessage, SendMessage and
 * GetQueueUrl, with visibility timeouts and receipt handles. No maintained npm SQS server speaks
 * this protocol (those checked answer the older query/XML protocol only), hence this one.
 *
 * Bodies carry `MD5OfBody` / `MD5OfMessageBody`: the SDK checks them. A request signed with an
 * access key other than `accessKeyId` is refused as `UnrecognizedClientException`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Message {
  id: string;
  body: string;
  visibleAt: number;
  receipt?: string;
  receives: number;
}

export interface SqsServer {
  endpoint: string;
  /** The queue URL of `name` (the queue is created on first use). */
  queueUrl(name: string): string;
  send(queue: string, body: string): string;
  /** Messages not deleted (visible or in flight). */
  pending(queue: string): { id: string; body: string; receives: number }[];
  /** End every visibility timeout now (as if they had run out). */
  expireVisibility(): void;
  /** `Action` of every request, in order. */
  actions: string[];
  close(): Promise<void>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export async function startSqsServer(options: { accessKeyId?: string } = {}): Promise<SqsServer> {
  const queues = new Map<string, Message[]>();
  const queue = (name: string): Message[] => {
    const q = queues.get(name) ?? [];
    queues.set(name, q);
    return q;
  };
  const nameOf = (url: unknown) => (typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '');
  const actions: string[] = [];
  let endpoint = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown, type?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          ...(type ? { 'x-amzn-query-error': `${type};Sender` } : {}),
        });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, type: string, message: string) =>
        reply(status, { __type: `com.amazonaws.sqs#${type}`, message }, type);
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = target.startsWith('AmazonSQS.') ? target.slice(10) : '';
      actions.push(action || `(no target) ${req.method} ${req.url}`);
      if (
        req.method !== 'POST' ||
        !String(req.headers['content-type']).startsWith('application/x-amz-json-1.0') ||
        !action
      ) {
        return error(400, 'InvalidAction', 'expected an AWS JSON 1.0 request');
      }
      const key = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      if (options.accessKeyId !== undefined && key !== options.accessKeyId) {
        return reply(400, {
          __type: 'com.amazon.coral.service#UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        });
      }
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      } catch {
        return error(400, 'InvalidParameterValue', 'body is not JSON');
      }
      const now = Date.now();
      switch (action) {
        case 'GetQueueUrl':
          return reply(200, { QueueUrl: `${endpoint}/000000000000/${String(input.QueueName)}` });
        case 'SendMessage': {
          const body = String(input.MessageBody ?? '');
          const id = randomBytes(8).toString('hex');
          queue(nameOf(input.QueueUrl)).push({ id, body, visibleAt: 0, receives: 0 });
          return reply(200, { MessageId: id, MD5OfMessageBody: md5(body) });
        }
        case 'ReceiveMessage': {
          const q = queue(nameOf(input.QueueUrl));
          const max = Math.min(10, Number(input.MaxNumberOfMessages ?? 1));
          const visibility = Number(input.VisibilityTimeout ?? 30);
          const out = q.filter((m) => m.visibleAt <= now).slice(0, max);
          for (const m of out) {
            m.visibleAt = now + visibility * 1000;
            m.receipt = randomBytes(12).toString('hex');
            m.receives++;
          }
          return reply(
            200,
            out.length
              ? {
                  Messages: out.map((m) => ({
                    MessageId: m.id,
                    ReceiptHandle: m.receipt,
                    MD5OfBody: md5(m.body),
                    Body: m.body,
                  })),
                }
              : {},
          );
        }
        case 'DeleteMessage': {
          const q = queue(nameOf(input.QueueUrl));
          const i = q.findIndex((m) => m.receipt !== undefined && m.receipt === input.ReceiptHandle);
          if (i < 0) return error(400, 'ReceiptHandleIsInvalid', 'The receipt handle is not valid.');
          q.splice(i, 1);
          return reply(200, {});
        }
        default:
          return error(400, 'InvalidAction', `${action} is not implemented here`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    actions,
    queueUrl: (name) => `${endpoint}/000000000000/${name}`,
    send: (name, body) => {
      const id = randomBytes(8).toString('hex');
      queue(name).push({ id, body, visibleAt: 0, receives: 0 });
      return id;
    },
    pending: (name) => queue(name).map((m) => ({ id: m.id, body: m.body, receives: m.receives })),
    expireVisibility: () => {
      for (const q of queues.values()) for (const m of q) m.visibleAt = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
