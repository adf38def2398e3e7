import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 whose answer the test switches between healthy and failing. */
export interface Receiver {
  url: string;
  received: Received[];
  /** `ok` answers 200 `{"received":true}`; `fail` answers 500 with a body naming the failure. */
  mode: 'ok' | 'fail';
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], mode: 'ok', close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (receiver.mode === 'ok') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-receiver': 'test' });
        res.end(JSON.stringify({ received: true }));
      } else {
        res.writeHead(500, { 'content-type': 'text/plain', 'x-receiver': 'test' });
        res.end('receiver is down: database unavailable');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/labelhook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
