// util/pipe.ts is the one place a writer is piped into a file, a device or an upload: every byte
// arrives, and each failure order (writer first, sink first, abort) rejects with the right error
// instead of hanging.
import { createWriteStream, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { pipeWriter } from '../dist/util/pipe.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('fd-pipe-');
const text = Array.from({ length: 50_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}\n`).join('');

/** Writes `text` in 4 KiB pieces, honouring backpressure. */
const writeText = async (out: Writable) => {
  for (let i = 0; i < text.length; i += 4096) {
    if (!out.write(text.slice(i, i + 4096))) await new Promise((r) => out.once('drain', r));
  }
};

/** A consumer that reads everything, resolving with what it read. */
const collect = (into: Buffer[]) => async (body: Readable) => {
  for await (const c of body) into.push(c as Buffer);
};

it('pipes every byte into a file, plain and gzip', async () => {
  await pipeWriter(writeText, createWriteStream(`${dir}/plain.txt`));
  expect(readFileSync(`${dir}/plain.txt`, 'utf8')).toBe(text);
  await pipeWriter(writeText, createWriteStream(`${dir}/z.gz`), { gzip: true });
  expect(gunzipSync(readFileSync(`${dir}/z.gz`)).toString('utf8')).toBe(text);
});

it('hands a consumer the whole body, plain and gzip', async () => {
  const plain: Buffer[] = [],
    zipped: Buffer[] = [];
  await pipeWriter(writeText, collect(plain));
  await pipeWriter(writeText, collect(zipped), { gzip: true });
  expect(Buffer.concat(plain).toString('utf8')).toBe(text);
  expect(gunzipSync(Buffer.concat(zipped)).toString('utf8')).toBe(text);
});

it("a failing writer: the consumer sees the body fail and settles before the writer's error is thrown", async () => {
  const boom = new Error('writer broke');
  let consumerSettled = false;
  const consumer = async (body: Readable) => {
    try {
      for await (const _ of body) {
        /* drain */
      }
    } finally {
      consumerSettled = true;
    }
  };
  const failing = async (out: Writable) => {
    out.write('partial');
    await new Promise((r) => setTimeout(r, 20));
    throw boom;
  };
  await expect(pipeWriter(failing, consumer)).rejects.toBe(boom);
  expect(consumerSettled).toBe(true);
});

it('a sink failing first rejects at once, though the writer waits for a drain that never comes', async () => {
  const sinkError = new Error('sink broke');
  // Reads nothing and fails: the writer fills the body and blocks on 'drain' forever.
  const consumer = async () => {
    await new Promise((r) => setTimeout(r, 50));
    throw sinkError;
  };
  const endless = async (out: Writable) => {
    for (;;) if (!out.write(Buffer.alloc(65536))) await new Promise((r) => out.once('drain', r));
  };
  await expect(pipeWriter(endless, consumer)).rejects.toBe(sinkError);
});

it('an abort fails both sides and rejects', async () => {
  const controller = new AbortController();
  const consumer = async (body: Readable) => {
    for await (const _ of body) {
      /* drain */
    }
  };
  const slow = async (out: Writable) => {
    for (let i = 0; i < 100; i++) {
      out.write('x');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  setTimeout(() => controller.abort(new Error('stop')), 30);
  await expect(pipeWriter(slow, consumer, { signal: controller.signal })).rejects.toThrow('stop');
  await expect(pipeWriter(slow, consumer, { signal: controller.signal })).rejects.toThrow('stop');
});
