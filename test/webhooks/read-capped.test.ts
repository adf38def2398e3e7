import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { readCappedBody } from '../../src/webhooks/transport/read-capped.js';

const MB = 1024 * 1024;

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

describe('readCappedBody', () => {
  it('keeps a body under the cap whole', async () => {
    expect(await readCappedBody(chunks('{"ok":', 'true}'), 1024)).toEqual({ text: '{"ok":true}', truncated: false, bytes: 11 });
  });

  it('a body of exactly the cap is not truncated', async () => {
    expect(await readCappedBody(chunks('abcd', 'ef'), 6)).toEqual({ text: 'abcdef', truncated: false, bytes: 6 });
  });

  it('cuts at the cap and reports truncation', async () => {
    const result = await readCappedBody(chunks('abcd', 'efgh', 'ijkl'), 6);
    expect(result.text).toBe('abcdef');
    expect(result.truncated).toBe(true);
    expect(result.bytes).toBe(8); // read up to the chunk that crossed the cap, and no further
  });

  it('drops a multi-byte character cut in half at the cap instead of storing garbage', async () => {
    // "é" is 2 bytes in UTF-8: a 4-byte cap ends in the middle of the second one.
    const result = await readCappedBody(chunks('aéé'), 4);
    expect(result.text).toBe('aé');
    expect(result.truncated).toBe(true);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('✓');
    expect((await readCappedBody(chunks(bytes.subarray(0, 1), bytes.subarray(1)), 100)).text).toBe('✓');
  });

  it('stops pulling from the source once the cap is reached', async () => {
    let produced = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) {
          produced += 1;
          yield new Uint8Array(1000).fill(120);
        }
      } finally {
        closed = true;
      }
    }
    const result = await readCappedBody(endless(), 2500);
    expect(result).toMatchObject({ truncated: true, bytes: 3000 });
    expect(result.text).toHaveLength(2500);
    expect(produced).toBe(3);
    expect(closed).toBe(true);
  });

  it('a zero cap keeps nothing', async () => {
    expect(await readCappedBody(chunks('x'), 0)).toEqual({ text: '', truncated: true, bytes: 1 });
    expect(await readCappedBody(chunks(), 0)).toEqual({ text: '', truncated: false, bytes: 0 });
  });
});

describe('readCappedBody against a real receiver answering 50 MB', () => {
  let server: Server | undefined;
  let dispatcher: Agent | undefined;

  afterEach(async () => {
    await dispatcher?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('stores only the cap and hangs up instead of buffering the rest', async () => {
    const total = 50 * MB;
    let response: ServerResponse | undefined;
    let sent = 0;
    const responseClosed = new Promise<void>((resolve) => {
      server = createServer((_req, res) => {
        response = res;
        res.on('close', resolve);
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
        const block = Buffer.alloc(MB, 'a');
        const pump = (): void => {
          // Respect backpressure: the receiver only gets ahead of the client by the socket buffers.
          while (sent < total && !res.destroyed) {
            sent += block.length;
            if (!res.write(block)) {
              res.once('drain', pump);
              return;
            }
          }
          if (sent >= total) res.end();
        };
        pump();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server!.address() as AddressInfo;
    dispatcher = new Agent();

    const cap = 64 * 1024;
    const res = await request(`http://127.0.0.1:${port}/`, { dispatcher });
    const result = await readCappedBody(res.body, cap);

    expect(result.text).toHaveLength(cap);
    expect(result.text).toBe('a'.repeat(cap));
    expect(result.truncated).toBe(true);
    expect(result.bytes).toBeGreaterThan(cap);
    expect(result.bytes).toBeLessThan(total);
    // The client hung up: the receiver's 50 MB response never completed.
    await responseClosed;
    expect(response?.writableFinished).toBe(false);
    expect(sent).toBeLessThan(total);
  });
});
