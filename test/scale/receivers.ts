import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback receiver counting each webhook-id it got and whether its answer went out whole. */
export interface CountingReceiver {
  url: string;
  /** Requests received per webhook-id (more than 1: a duplicate). */
  byMessage: Map<string, number>;
  /** Bodies in arrival order. */
  bodies: string[];
  received: number;
  /** Answers cut off before they were fully sent (the sender went away mid-request). */
  aborted: number;
  /** Answers fully sent. */
  answered: number;
  /** Requests being handled right now. */
  open: number;
  close(): Promise<void>;
}

/** Starts a receiver answering 200 after `delayMs`. */
export async function startCountingReceiver(delayMs = 0): Promise<CountingReceiver> {
  const r: CountingReceiver = {
    url: '',
    byMessage: new Map(),
    bodies: [],
    received: 0,
    aborted: 0,
    answered: 0,
    open: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    r.open += 1;
    res.on('close', () => {
      r.open -= 1;
      if (res.writableFinished) r.answered += 1;
      else r.aborted += 1;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      r.byMessage.set(id, (r.byMessage.get(id) ?? 0) + 1);
      r.bodies.push(Buffer.concat(chunks).toString('utf8'));
      r.received += 1;
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}
