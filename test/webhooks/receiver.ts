import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../src/config.js';
import { startEngine, type Engine } from '../../src/webhooks/engine.js';
import { injectApi, type ApiAnswer } from '../helpers/api-client.js';
import type { Backend } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startReceiver as startTestReceiver, type Responder, type TestReceiver } from '../helpers/receiver.js';
import { waitUntil } from '../helpers/wait.js';

// The delivery suites' receiver is the shared one (test/helpers/receiver.ts) at the bare origin, answering 200 "ok".
export type { ReceivedRequest as Received, Responder as Handler, TestReceiver as Receiver } from '../helpers/receiver.js';

/** Starts a receiver whose URL is the bare origin; `handler` may be replaced later through `receiver.handler`. */
export function startReceiver(handler: Responder = (_req, res) => res.end('ok')): Promise<TestReceiver> {
  // Its waits used to be bounded by the test timeout alone; the longest delivery test allows 120 s.
  return startTestReceiver({ path: '', handler, waitTimeoutMs: 110_000 });
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
  api(method: string, url: string, body?: unknown): Promise<ApiAnswer>;
}

/** Registers beforeAll/afterAll that build the app, start the engine, and stop both. */
export function useEngineApp(backend: Backend, overrides: Partial<Config> = {}): EngineApp {
  const box = {} as EngineApp;
  beforeAll(async () => {
    box.t = await createTestApp(backend, { ...FAST, ...overrides });
    box.engine = startEngine(box.t.ctx);
    const client = injectApi(box.t.app, box.t.adminKey);
    box.api = (method, url, body) => client.call(method, url, body);
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

/** Polls the delivery log of a webhook until `predicate` holds (deadline `timeoutMs`); answers the deliveries (newest first). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
export async function waitForDeliveries(app: EngineApp, webhookId: string, predicate: (d: any[]) => boolean, timeoutMs = 110_000): Promise<any[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
  let last: any[] = [];
  return waitUntil(
    () => `the deliveries of ${webhookId} the test expects; last seen: ${JSON.stringify(last.map((d: { status: string }) => d.status))}`,
    async () => {
      last = (await app.api('GET', `/webhooks/${webhookId}/deliveries?limit=1000`)).json.data;
      return predicate(last) && last;
    },
    { timeoutMs, intervalMs: 20 },
  );
}
