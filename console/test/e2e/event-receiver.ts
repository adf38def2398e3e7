import type { ServerResponse } from 'node:http';
import { startReceiver } from '../../../test/helpers/receiver.js';
import { waitUntil } from '../../../test/helpers/wait.js';

/** An event as a Standard Webhooks body carries it: `{type, timestamp, data}`. */
export interface ReceivedEvent {
  type: string;
  data: Record<string, unknown> & { id: string };
}

/** How the receiver answers: 200, a label gate veto, or a gate that approves after `slowMs`. */
export type ReceiverMode = { kind: 'ok' } | { kind: 'veto'; reason: string } | { kind: 'slow'; ms: number };

/** A webhook receiver on 127.0.0.1 that keeps every event it gets, in arrival order, and can act as a label gate. */
export interface EventReceiver {
  url: string;
  events: ReceivedEvent[];
  mode: ReceiverMode;
  /** Waits until an event of `type` that `match` accepts has arrived (deliveries are asynchronous). */
  waitFor(type: string, match?: (e: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port: the shared test receiver, reading each body as events. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const events: ReceivedEvent[] = [];
  let mode: ReceiverMode = { kind: 'ok' };
  const answer = (res: ServerResponse, m: ReceiverMode): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(m.kind === 'veto' ? { allow: false, reason: m.reason } : { allow: true }));
  };
  const receiver = await startReceiver({
    path: '/hooks',
    handler: (req, res) => {
      const body = JSON.parse(req.body) as ReceivedEvent | ReceivedEvent[];
      events.push(...(Array.isArray(body) ? body : [body]));
      const m = mode;
      if (m.kind === 'slow') setTimeout(() => answer(res, m), m.ms);
      else answer(res, m);
    },
  });
  return {
    url: receiver.url,
    events,
    get mode() {
      return mode;
    },
    set mode(m) {
      mode = m;
    },
    waitFor: (type, match = () => true, timeoutMs = 20_000) =>
      waitUntil(
        () => `a ${type} event; got ${events.map((e) => e.type).join(', ')}`,
        () => events.find((e) => e.type === type && match(e)),
        { timeoutMs, intervalMs: 50 },
      ),
    close: () => receiver.close(),
  };
}
