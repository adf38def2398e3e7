import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Handler, type Receiver } from './receiver.js';

// Each fault is a real receiver on loopback misbehaving in one way; the engine must log it, decide, and move on.
describe.each(BACKENDS)('receiver faults (%s)', (backend) => {
  const app = useEngineApp(backend, { requestTimeoutMs: 400, responseBodyCapBytes: 1024, retryScheduleMs: [30, 60, 90] });
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  /** A webhook on its own project pointing at a receiver with `handler`; one change is made and its delivery id answered. */
  async function deliverTo(handler: Handler): Promise<{ receiver: Receiver; hookId: string }> {
    const receiver = await startReceiver(handler);
    receivers.push(receiver);
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: receiver.url, events: ['PROJECT_UPDATED'], projectId });
    await bump(app, projectId, 'fault');
    return { receiver, hookId: hook.id };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
  const attemptsOf = async (deliveryId: string): Promise<any[]> => (await app.api('GET', `/deliveries/${deliveryId}`)).json.attempts;

  it('a receiver hanging past the request timeout is cut off, logged as a timeout and retried', async () => {
    let calls = 0;
    const { hookId } = await deliverTo((_req, res) => {
      calls += 1;
      // The first request hangs forever; the retry is answered.
      if (calls > 1) res.end('ok');
    });
    const [d] = await waitForDeliveries(app, hookId, (ds) => ds[0]?.status === 'succeeded');
    const attempts = await attemptsOf(d.id);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ responseStatus: null, outcome: 'retryable' });
    expect(attempts[0].error).toMatch(/^timeout/);
    expect(attempts[1]).toMatchObject({ responseStatus: 200, outcome: 'ok' });
  });

  it('a connection reset before any answer is retried with the same webhook-id', async () => {
    let calls = 0;
    const { receiver, hookId } = await deliverTo((_req, res) => {
      calls += 1;
      if (calls === 1) res.socket!.destroy();
      else res.end('ok');
    });
    const [d] = await waitForDeliveries(app, hookId, (ds) => ds[0]?.status === 'succeeded');
    const attempts = await attemptsOf(d.id);
    expect(attempts[0].responseStatus).toBeNull();
    expect(attempts[0].error).toMatch(/^(connection_reset|connection_closed)/);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('a connection reset mid-response keeps the status that arrived and logs the broken body', async () => {
    const { hookId } = await deliverTo((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket!.destroy(), 20);
    });
    // The receiver said 200 before breaking off: it accepted the delivery.
    const [d] = await waitForDeliveries(app, hookId, (ds) => ds[0]?.status === 'succeeded');
    const [attempt] = await attemptsOf(d.id);
    expect(attempt.responseStatus).toBe(200);
    expect(attempt.error).toMatch(/^response body unreadable/);
  });

  it('a body dripped slower than the request timeout is abandoned at the timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    const { hookId } = await deliverTo((_req, res) => {
      res.writeHead(200);
      // One byte every 100 ms, for far longer than the 400 ms request timeout.
      let sent = 0;
      timer = setInterval(() => {
        if (res.destroyed || sent++ > 600) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write('.');
      }, 100);
    });
    try {
      const [d] = await waitForDeliveries(app, hookId, (ds) => ds[0]?.status === 'succeeded');
      const [attempt] = await attemptsOf(d.id);
      expect(attempt.responseStatus).toBe(200);
      expect(attempt.error).toMatch(/^response body unreadable \((TimeoutError|UND_ERR_BODY_TIMEOUT|UND_ERR_ABORTED|AbortError)/);
      // It was cut off while dripping: far fewer than the 600 bytes the receiver meant to send.
      expect((attempt.responseBody ?? '').length).toBeLessThan(100);
    } finally {
      clearInterval(timer);
    }
  });

  it('a 50 MB answer is stored truncated to the cap, and the rest is never downloaded', async () => {
    const total = 50 * 1024 * 1024;
    let written = 0;
    let closedEarly = false;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const { hookId } = await deliverTo((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
      res.on('close', () => (closedEarly = written < total));
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
    const [d] = await waitForDeliveries(app, hookId, (ds) => ds[0]?.status === 'succeeded');
    const [attempt] = await attemptsOf(d.id);
    expect(attempt.responseStatus).toBe(200);
    expect(Buffer.byteLength(attempt.responseBody as string)).toBeLessThanOrEqual(1024);
    expect((attempt.responseBody as string).startsWith('xxxx')).toBe(true);
    // Memory stays bounded because the sender hangs up after the cap instead of reading 50 MB.
    await new Promise((r) => setTimeout(r, 50));
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(total / 2);
  });

  it('429 with a Retry-After of years is capped at the longest retry step, so the delivery still goes out', async () => {
    let calls = 0;
    const { hookId } = await deliverTo((_req, res) => {
      calls += 1;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '999999999' });
        res.end('slow down');
      } else {
        res.end('ok');
      }
    });
    const [d] = await waitForDeliveries(app, hookId, (ds) => ds[0]?.status === 'succeeded');
    const attempts = await attemptsOf(d.id);
    expect(attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([429, 200]);
    // The retry came after at most the longest schedule step (90 ms here, plus claim latency), not in 31 years.
    expect(Date.parse(attempts[1].at) - Date.parse(attempts[0].at)).toBeLessThan(60_000);
  });
});
