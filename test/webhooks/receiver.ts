import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/config.js';
import { startEngine, type Engine } from '../../src/webhooks/engine.js';
import type { Backend } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';

/** One request a test receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: Received, res: ServerResponse) => void;

/** A real HTTP receiver on 127.0.0.1 recording every request; the handler decides the answer (200 by default). */
export interface Receiver {
  url: string;
  received: Received[];
  handler: Handler;
  /** Resolves once `predicate` holds for the received requests (polling; the test timeout bounds it). */
  waitFor(predicate: (received: Received[]) => boolean): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a receiver; `handler` may be replaced later through `receiver.handler`. */
export async function startReceiver(handler: Handler = (_req, res) => res.end('ok')): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    handler,
    async waitFor(predicate) {
      while (!predicate(received)) await new Promise((r) => setTimeout(r, 5));
      return received;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      receiver.handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** Configuration every delivery test uses: loopback allowed, millisecond retries, fast polling. */
export const FAST: Partial<Config> = {
  allowPrivateTargets: ['127.0.0.0/8', '::1/128'],
  // PostgreSQL requires an explicit key (no key file next to a database file).
  secretKey: 'test-secret-key-0123456789abcdef',
  retryScheduleMs: [30, 60, 90],
  pollIntervalMs: 50,
  requestTimeoutMs: 2000,
  connectTimeoutMs: 1000,
  gateTimeoutMs: 500,
  drainTimeoutMs: 500,
};

/** A test app with the webhook engine running, torn down after the suite. */
export interface EngineApp {
  t: TestApp;
  engine: Engine;
  /** POST/GET/PATCH... on the API as the admin; answers the parsed JSON and status. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
  api(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/** Registers beforeAll/afterAll that build the app, start the engine, and stop both. */
export function useEngineApp(backend: Backend, overrides: Partial<Config> = {}): EngineApp {
  const box = {} as EngineApp;
  beforeAll(async () => {
    box.t = await createTestApp(backend, { ...FAST, ...overrides });
    box.engine = startEngine(box.t.ctx);
    box.api = async (method, url, body) => {
      const res = await box.t.app.inject({
        method: method as 'GET',
        url: `/api/v1${url}`,
        headers: bearer(box.t.adminKey),
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, json: res.body ? res.json() : null };
    };
  });
  afterAll(async () => {
    await box.engine?.stop();
    await box.t?.close();
  });
  return box;
}

/** Creates a project through the API and answers its id. */
export async function createProject(app: EngineApp, name = 'Project'): Promise<string> {
  const res = await app.api('POST', '/projects', { name, labelSet: [{ id: 'pos', label: 'Positive' }] });
  if (res.status !== 201) throw new Error(`project create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

/** Creates a webhook through the API; throws unless 201. */
export async function createWebhook(app: EngineApp, body: Record<string, unknown>): Promise<{ id: string; secret: string } & Record<string, unknown>> {
  const res = await app.api('POST', '/webhooks', body);
  if (res.status !== 201) throw new Error(`webhook create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** Changes a project's name: one PROJECT_UPDATED event per call. */
export async function bump(app: EngineApp, projectId: string, name: string): Promise<void> {
  const res = await app.api('PATCH', `/projects/${projectId}`, { name });
  if (res.status !== 200) throw new Error(`project patch failed: ${res.status} ${JSON.stringify(res.json)}`);
}

/** Polls the delivery log of a webhook until `predicate` holds; answers the deliveries (newest first). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
export async function waitForDeliveries(app: EngineApp, webhookId: string, predicate: (d: any[]) => boolean): Promise<any[]> {
  for (;;) {
    const res = await app.api('GET', `/webhooks/${webhookId}/deliveries?limit=1000`);
    if (predicate(res.json.data)) return res.json.data;
    await new Promise((r) => setTimeout(r, 20));
  }
}
