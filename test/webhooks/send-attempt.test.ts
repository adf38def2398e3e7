import type { ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingRequest } from '../../src/webhooks/transport/outgoing-request.js';
import { sendAttempt, type SendOptions } from '../../src/webhooks/transport/send-attempt.js';
import { createGuardedDispatcher, createTargetPolicy, type ResolveAll } from '../../src/webhooks/transport/ssrf-guard.js';
import { startReceiver, type Responder, type TestReceiver } from '../helpers/receiver.js';
import { sleep, waitUntil } from '../helpers/wait.js';

// sendAttempt against real receivers on 127.0.0.1, through the guarded agent the server uses.
const MB = 1024 * 1024;
const loopback = createTargetPolicy(['127.0.0.0/8']);
const options = (o: Partial<SendOptions> = {}): SendOptions => ({ timeoutMs: 5_000, bodyCapBytes: 1024, retryAfterCapMs: 60_000, clock: Date.now, ...o });
const post = (url: string, body = '{"x":1}'): OutgoingRequest => ({ url, headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body, loggedHeaders: {} });

describe('sendAttempt', () => {
  const receivers: TestReceiver[] = [];
  const agents: Agent[] = [];
  const timers: NodeJS.Timeout[] = [];
  afterEach(async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    await Promise.all(agents.splice(0).map((a) => a.destroy()));
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  async function receiver(handler: Responder, path?: string): Promise<TestReceiver> {
    const r = await startReceiver({ handler, ...(path === undefined ? {} : { path }) });
    receivers.push(r);
    return r;
  }
  function agent(lookup?: ResolveAll): Agent {
    const a = createGuardedDispatcher(loopback, { connectTimeoutMs: 5_000, ...(lookup ? { lookup } : {}) });
    agents.push(a);
    return a;
  }
  /** Sends `res` a 200 then one byte every 50 ms, forever (until the client hangs up). */
  function drip(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('.');
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('.')), 50);
    timers.push(t);
  }

  it('POSTs the body and headers, and records status, flat headers and body', async () => {
    const r = await receiver((_req, res) => {
      res.setHeader('x-multi', ['a', 'b']);
      res.writeHead(201, { 'content-type': 'text/plain' }).end('created ✓');
    }, '/hook?team=1');
    const sent = await sendAttempt(agent(), post(r.url, '{"é":1}'), options());
    expect(sent).toMatchObject({ responseStatus: 201, responseBody: 'created ✓', error: null, outcome: { kind: 'ok' } });
    expect(sent.responseHeaders).toMatchObject({ 'content-type': 'text/plain', 'x-multi': 'a, b' });
    const [got] = r.received;
    expect(got).toMatchObject({ method: 'POST', path: '/hook?team=1', body: '{"é":1}' });
    expect(got!.headers['webhook-id']).toBe('msg_1');
  });

  it('does not follow a redirect', async () => {
    const r = await receiver((req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    const sent = await sendAttempt(agent(), post(r.url), options());
    expect(sent).toMatchObject({ responseStatus: 302, outcome: { kind: 'retry', reason: 'redirect_not_followed' } });
    await sleep(50);
    expect(r.received.map((q) => q.path)).toEqual(['/hook']);
  });

  it('reads Retry-After on a 429, capped', async () => {
    const r = await receiver((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));
    const sent = await sendAttempt(agent(), post(r.url), options({ retryAfterCapMs: 90_000 }));
    expect(sent.outcome).toEqual({ kind: 'retry', reason: 'rate_limited', retryAfterMs: 90_000 });
    expect(sent.responseBody).toBe('slow down');
  });

  it('a receiver that never answers is cut off at the deadline and logged as a timeout', async () => {
    const r = await receiver(() => undefined);
    const sent = await sendAttempt(agent(), post(r.url), options({ timeoutMs: 200 }));
    expect(sent).toMatchObject({ responseStatus: null, responseBody: null, outcome: { kind: 'retry', reason: 'timeout' } });
    expect(sent.error).toBe('timeout: The operation was aborted due to timeout');
    // The connection was closed: the receiver's answer can no longer be written.
    await waitUntil('the hung request to be dropped', () => r.aborted === 1, { timeoutMs: 5_000 });
  });

  it('the deadline fires mid-body: the status counts, the body is abandoned and the connection closed', async () => {
    const r = await receiver((_req, res) => drip(res));
    const sent = await sendAttempt(agent(), post(r.url), options({ timeoutMs: 300 }));
    expect(sent).toMatchObject({ responseStatus: 200, responseBody: null, outcome: { kind: 'ok' } });
    expect(sent.error).toMatch(/^response body unreadable \(TimeoutError\): /);
    await waitUntil('the dripping response to be cut off', () => r.aborted === 1, { timeoutMs: 5_000 });
  });

  it('the deadline covers the wait for a connection, and a request whose connection comes later never goes out', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    // DNS answers after the deadline: the connection opens too late.
    const slow: ResolveAll = async () => {
      await sleep(1_000);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const sent = await sendAttempt(agent(slow), post(`http://slow.test:${r.port}/hook`), options({ timeoutMs: 100 }));
    expect(sent).toMatchObject({ responseStatus: null, outcome: { kind: 'retry', reason: 'timeout' } });
    expect(sent.durationMs).toBeLessThan(900);
    await waitUntil('the late connection', () => r.connections === 1, { timeoutMs: 5_000 });
    await sleep(100);
    expect(r.arrived).toBe(0);
  });

  it('a body over the cap is kept up to the cap, a character cut at the cap dropped, and the rest never downloaded', async () => {
    const total = 50 * MB;
    let written = 0;
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
      // "aé" and then é after é: with a 4-byte cap, the cap falls in the middle of the second é.
      res.write('aé');
      const block = Buffer.from('é'.repeat(32 * 1024));
      written = 3;
      const pump = (): void => {
        while (written < total - block.length && !res.destroyed) {
          written += block.length;
          if (!res.write(block)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const sent = await sendAttempt(agent(), post(r.url), options({ bodyCapBytes: 4 }));
    expect(sent).toMatchObject({ responseStatus: 200, responseBody: 'aé', error: null, outcome: { kind: 'ok' } });
    // The client hung up: the receiver's 50 MB response never completed.
    await waitUntil('the receiver to see the hang-up', () => r.aborted === 1, { timeoutMs: 5_000 });
    expect(r.answered).toBe(0);
    expect(written).toBeLessThan(total / 2);
  });

  it('a body of exactly the cap is kept whole', async () => {
    const r = await receiver((_req, res) => res.end('x'.repeat(1024)));
    const sent = await sendAttempt(agent(), post(r.url), options({ bodyCapBytes: 1024 }));
    expect(sent.responseBody).toBe('x'.repeat(1024));
    expect(sent.error).toBeNull();
  });

  it('a connection reset mid-body keeps the status and logs the broken body', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket!.destroy(), 20);
    });
    const sent = await sendAttempt(agent(), post(r.url), options());
    expect(sent).toMatchObject({ responseStatus: 200, responseBody: null, outcome: { kind: 'ok' } });
    expect(sent.error).toMatch(/^response body unreadable \(UND_ERR_SOCKET\)/);
  });

  it('classifies a refused connection and a refused target', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    const port = r.port;
    await r.close();
    receivers.splice(0);
    const refused = await sendAttempt(agent(), post(`http://127.0.0.1:${port}/`), options());
    expect(refused).toMatchObject({ responseStatus: null, outcome: { kind: 'retry', reason: 'connection_refused' } });
    expect(refused.error).toMatch(/^connection_refused: /);
    const strict = createGuardedDispatcher(createTargetPolicy([]), { connectTimeoutMs: 5_000 });
    agents.push(strict);
    const blocked = await sendAttempt(strict, post(`http://127.0.0.1:${port}/`), options());
    expect(blocked.outcome).toEqual({ kind: 'blocked', reason: 'target_not_allowed' });
  });

  it('an invalid header value fails the attempt instead of throwing', async () => {
    const r = await receiver((_req, res) => res.end('ok'));
    const req = { ...post(r.url), headers: { 'x-bad': 'a\r\nb' } };
    const sent = await sendAttempt(agent(), req, options());
    expect(sent).toMatchObject({ responseStatus: null, outcome: { kind: 'retry' } });
    expect(r.arrived).toBe(0);
  });
});
