import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fence } from '../../src/webhooks/transport/fence.js';
import { sendAttempt, type SendOptions } from '../../src/webhooks/transport/send-attempt.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { sleep } from '../helpers/wait.js';

let receiver: TestReceiver;
const agent = new Agent();
const options: SendOptions = { timeoutMs: 5_000, bodyCapBytes: 1024, retryAfterCapMs: 0, clock: Date.now };
const post = (): { url: string; headers: Record<string, string>; body: string; loggedHeaders: Record<string, string> } => ({
  url: receiver.url,
  headers: { 'content-type': 'text/plain' },
  body: 'x',
  loggedHeaders: {},
});

beforeAll(async () => {
  receiver = await startReceiver({ handler: (_req, res) => res.end('ok') });
});

afterAll(async () => {
  await agent.close();
  await receiver.close();
});

describe('fence on outgoing requests', () => {
  it('a worker that lost its proof of life while its request waited for a connection sends nothing', async () => {
    let live = true;
    const fence: Fence = { live: () => live, stopped: false };
    const before = receiver.arrived;
    const connectionsBefore = receiver.connections;
    // Live when the request is made; the proof lapses before the connection is up and the first byte written.
    const pending = sendAttempt(agent, post(), options, fence);
    live = false;
    const sent = await pending;
    expect(fence.stopped).toBe(true);
    expect(sent.responseStatus).toBeNull();
    expect(sent.error).toMatch(/LH_FENCED|fenced/);
    // Give a request that slipped through time to arrive before counting.
    await sleep(100);
    expect(receiver.arrived).toBe(before);
    // It was stopped on a connection that was up, right before writing: the check is at write time, not dispatch time.
    expect(receiver.connections).toBeGreaterThan(connectionsBefore);
  });

  it('a worker that lapses on a kept-alive connection is stopped too', async () => {
    // Warm a connection, then send on it with a fence that is no longer live.
    expect((await sendAttempt(agent, post(), options)).responseStatus).toBe(200);
    const before = receiver.arrived;
    const fence: Fence = { live: () => false, stopped: false };
    const sent = await sendAttempt(agent, post(), options, fence);
    expect(fence.stopped).toBe(true);
    expect(sent.responseStatus).toBeNull();
    await sleep(100);
    expect(receiver.arrived).toBe(before);
  });

  it("a live worker's request goes out and is answered", async () => {
    const fence: Fence = { live: () => true, stopped: false };
    const sent = await sendAttempt(agent, post(), options, fence);
    expect(sent.responseStatus).toBe(200);
    expect(sent.responseBody).toBe('ok');
    expect(sent.outcome).toEqual({ kind: 'ok' });
    expect(fence.stopped).toBe(false);
  });
});
