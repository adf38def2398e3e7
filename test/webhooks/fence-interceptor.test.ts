import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedDispatcher, FencedRequestError, type FenceOutcome } from '../../src/webhooks/transport/fence-interceptor.js';

let server: Server;
let url = '';
let received = 0;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    received += 1;
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fence on outgoing requests', () => {
  it('a worker that lost its proof of life while its request waited for a connection sends nothing', async () => {
    let live = true;
    const outcome: FenceOutcome = { stopped: false };
    const before = received;
    // Live when the request is made; the proof lapses before the connection is up and the first byte written.
    const pending = request(url, { method: 'POST', body: 'x', dispatcher: fencedDispatcher(agent, () => live, outcome) });
    live = false;
    await expect(pending).rejects.toBeInstanceOf(FencedRequestError);
    expect(outcome.stopped).toBe(true);
    // Give a request that slipped through time to arrive before counting.
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toBe(before);
  });

  it('a live worker\'s request goes out and is answered', async () => {
    const outcome: FenceOutcome = { stopped: false };
    const res = await request(url, { method: 'POST', body: 'x', dispatcher: fencedDispatcher(agent, () => true, outcome) });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('ok');
    expect(outcome.stopped).toBe(false);
  });
});
