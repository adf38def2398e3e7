import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request a test receiver got. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records requests and answers `status`. */
export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  status: number;
  waitForCount(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(path = '/hook'): Promise<TestReceiver> {
  const waiters = new Set<() => void>();
  const receiver: TestReceiver = {
    url: '',
    requests: [],
    status: 200,
    waitForCount: (n, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timeout = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver got ${receiver.requests.length} of ${n} requests`));
        }, timeoutMs);
        const check = () => {
          if (receiver.requests.length < n) return;
          clearTimeout(timeout);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.status, { 'content-type': 'application/json' }).end('{"ok":true}');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${path}`;
  return receiver;
}
