import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** A raw loopback connection to the server that records when (and whether) the server closed it. */
interface RawClient {
  socket: Socket;
  data: string;
  closed: Promise<number>;
  isClosed(): boolean;
}

function open(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port });
    let closed = false;
    const client: RawClient = {
      socket,
      data: '',
      closed: new Promise((done) => socket.once('close', () => {
        closed = true;
        done(performance.now() - started);
      })),
      isClosed: () => closed,
    };
    socket.on('data', (chunk) => (client.data += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until `check` holds; answers whether it did. */
async function within(ms: number, check: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

describe('server limits: no limits where one team can hurt others (slowloris, idle keep-alive, connection cap)', () => {
  let t: TestApp;
  let port: number;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    t = await createTestApp('sqlite', { httpHeadersTimeoutMs: 1000, httpKeepAliveTimeoutMs: 500, httpRequestTimeoutMs: 3000, maxConnections: 30 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const c of clients) c.socket.destroy();
    await t.close();
  });

  it('closes slowloris connections (headers trickled a byte at a time) once the headers timeout passes', async () => {
    const slow = await Promise.all(Array.from({ length: 20 }, () => open(port)));
    clients.push(...slow);
    for (const c of slow) c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    // Keep trickling for up to 4 s (four times the timeout); the server must close every one of them.
    const trickle = setInterval(() => {
      for (const c of slow) if (!c.isClosed()) c.socket.write('a');
    }, 100);
    try {
      expect(await within(4000, () => slow.every((c) => c.isClosed()))).toBe(true);
    } finally {
      clearInterval(trickle);
    }
    // A silent connection (no byte at all) is closed the same way.
    const silent = await open(port);
    clients.push(silent);
    expect(await within(4000, () => silent.isClosed())).toBe(true);
  });

  it('closes an idle keep-alive connection after its timeout, and a prompt request still gets its answer', async () => {
    const c = await open(port);
    clients.push(c);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await within(3000, () => c.data.includes('\r\n\r\n'))).toBe(true);
    expect(c.data).toMatch(/^HTTP\/1.1 200/);
    expect(c.data.toLowerCase()).toContain('keep-alive');
    expect(await within(3000, () => c.isClosed())).toBe(true);
  });

  it('caps open connections: past the cap a new one is closed at once, and one frees room again', async () => {
    const held = await Promise.all(Array.from({ length: 30 }, () => open(port)));
    clients.push(...held);
    // Let the server accept them all, each with a started request keeping it busy.
    for (const c of held) c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await within(500, () => false);
    const extra = await open(port);
    clients.push(extra);
    expect(await within(2000, () => extra.isClosed())).toBe(true);
    expect(extra.data).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    const after = await open(port);
    clients.push(after);
    after.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(await within(3000, () => after.data.includes('\r\n\r\n'))).toBe(true);
    expect(after.data).toMatch(/^HTTP\/1.1 200/);
  });
});
