import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from './wait.js';

/** One request a test receiver got, as it arrived. */
export interface ReceivedRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text. */
  body: string;
  /** The body's bytes exactly as sent (signatures are over these). */
  raw: Buffer;
}

/** Decides the answer to one request; it owns `res` and must end it (or leave it hanging on purpose). */
export type Responder = (req: ReceivedRequest, res: ServerResponse) => void;

/** A fixed answer: status, headers, body, and how long to wait before sending it. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/** A responder that sends `answer` (200 `{"ok":true}` as JSON unless told otherwise). */
export function answerWith(answer: Answer = {}): Responder {
  const headers = answer.headers ?? { 'content-type': 'application/json' };
  const body = answer.body ?? '{"ok":true}';
  return (_req, res) => {
    const send = (): void => void res.writeHead(answer.status ?? 200, headers).end(body);
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  };
}

/** A real HTTP receiver on 127.0.0.1: records every request; `handler` (replaceable at any time) answers it. */
export interface TestReceiver {
  /** Origin plus the path given at start. */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  received: ReceivedRequest[];
  handler: Responder;
  /** Answers every later request with `answer` (shorthand for replacing `handler`). */
  answer(answer: Answer): void;
  /** TCP connections accepted (a refused request must open none). */
  readonly connections: number;
  /** Requests whose headers arrived, counted before their body was read (stricter than `received`). */
  readonly arrived: number;
  /** Requests whose answer is still being written. */
  readonly open: number;
  /** Answers fully sent. */
  readonly answered: number;
  /** Answers cut off before they were fully sent (the sender went away mid-request). */
  readonly aborted: number;
  /** Waits (with a deadline) until `predicate` holds for the requests received so far; answers them. `what` names it in the timeout message. */
  waitFor(predicate: (received: ReceivedRequest[]) => boolean, what?: string, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Waits (with a deadline) until at least `n` requests have arrived. */
  waitForCount(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Drops open connections and stops listening. */
  close(): Promise<void>;
}

/** Where a receiver listens and how it answers at first. */
export interface ReceiverOptions {
  /** Path appended to `url` (default `/hook`; `''` for the bare origin). */
  path?: string;
  handler?: Responder;
  /** Keep-alive timeout of the server in milliseconds (Node's default otherwise). */
  keepAliveTimeoutMs?: number;
  /** Deadline of `waitFor`/`waitForCount` when the call names none (the wait helper's default otherwise). */
  waitTimeoutMs?: number;
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<TestReceiver> {
  const received: ReceivedRequest[] = [];
  const counts = { connections: 0, arrived: 0, open: 0, answered: 0, aborted: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    counts.arrived += 1;
    counts.open += 1;
    res.on('close', () => {
      counts.open -= 1;
      if (res.writableFinished) counts.answered += 1;
      else counts.aborted += 1;
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '/', headers: req.headers, body: raw.toString('utf8'), raw };
      received.push(r);
      receiver.handler(r, res);
    });
  });
  server.on('connection', () => {
    counts.connections += 1;
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const receiver: TestReceiver = {
    url: `${origin}${options.path ?? '/hook'}`,
    origin,
    port,
    received,
    handler: options.handler ?? answerWith(),
    answer(answer) {
      receiver.handler = answerWith(answer);
    },
    get connections() {
      return counts.connections;
    },
    get arrived() {
      return counts.arrived;
    },
    get open() {
      return counts.open;
    },
    get answered() {
      return counts.answered;
    },
    get aborted() {
      return counts.aborted;
    },
    waitFor: (predicate, what = 'the requests the test expects', timeoutMs = options.waitTimeoutMs) =>
      waitUntil(() => `${what} (receiver got ${received.length} requests)`, () => predicate(received) && received, { timeoutMs, intervalMs: 5 }),
    waitForCount: (n, timeoutMs) => receiver.waitFor((r) => r.length >= n, `${n} requests`, timeoutMs),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return receiver;
}
