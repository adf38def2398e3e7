import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Starts a receiver on a free loopback port. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const receiver: EventReceiver = {
    url: '',
    events: [],
    mode: { kind: 'ok' },
    async waitFor(type, match = () => true, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = receiver.events.find((e) => e.type === type && match(e));
        if (found) return found;
        if (Date.now() > until) throw new Error(`no ${type} arrived; got ${receiver.events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent | ReceivedEvent[];
      receiver.events.push(...(Array.isArray(body) ? body : [body]));
      const mode = receiver.mode;
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(mode.kind === 'veto' ? { allow: false, reason: mode.reason } : { allow: true }));
      };
      if (mode.kind === 'slow') setTimeout(answer, mode.ms);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
