import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedDispatcher, FencedRequestError, type FenceOutcome } from '../../src/webhooks/transport/fence-interceptor.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { sleep } from '../helpers/wait.js';

let receiver: TestReceiver;
const agent = new Agent();

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
    const outcome: FenceOutcome = { stopped: false };
    const before = receiver.arrived;
    // Live when the request is made; the proof lapses before the connection is up and the first byte written.
    const pending = request(receiver.url, { method: 'POST', body: 'x', dispatcher: fencedDispatcher(agent, () => live, outcome) });
    live = false;
    await expect(pending).rejects.toBeInstanceOf(FencedRequestError);
    expect(outcome.stopped).toBe(true);
    // Give a request that slipped through time to arrive before counting.
    await sleep(100);
    expect(receiver.arrived).toBe(before);
  });

  it('a live worker\'s request goes out and is answered', async () => {
    const outcome: FenceOutcome = { stopped: false };
    const res = await request(receiver.url, { method: 'POST', body: 'x', dispatcher: fencedDispatcher(agent, () => true, outcome) });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('ok');
    expect(outcome.stopped).toBe(false);
  });
});
