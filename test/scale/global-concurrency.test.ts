import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase } from '../helpers/backends.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { api, clusterEnv, deliveryStatusCounts, eventually, pooled, startApi, startWorkerProcess } from './cluster.js';

// Per-webhook concurrency holds across the workers of one PostgreSQL database (issue 14): a receiver never has
// more than LABELHOOK_WEBHOOK_CONCURRENCY requests of its webhook in flight, however many workers deliver.
const ON_POSTGRES = BACKENDS.includes('postgres');
const CONCURRENCY = 3;
const WEBHOOKS = 2;
const EVENTS = 240;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop().catch(() => undefined);
});

/** A receiver answering 200 after `delayMs`, counting the requests it is answering at once and the most ever. */
async function concurrencyReceiver(delayMs: number): Promise<{ receiver: TestReceiver; max: () => number; byMessage: Map<string, number> }> {
  let open = 0;
  let max = 0;
  const byMessage = new Map<string, number>();
  const receiver = await startReceiver({
    keepAliveTimeoutMs: 60_000,
    handler: (req, res) => {
      open += 1;
      max = Math.max(max, open);
      const id = String(req.headers['webhook-id']);
      setTimeout(() => {
        byMessage.set(id, (byMessage.get(id) ?? 0) + 1);
        open -= 1;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }, delayMs);
    },
  });
  running.push(() => receiver.close());
  return { receiver, max: () => max, byMessage };
}

describe.runIf(ON_POSTGRES)('per-webhook concurrency across workers (postgres)', () => {
  // `serve --no-worker`: every delivery goes through a claim. `serve`: its engine also adopts what it fans out,
  // which must count the other workers' holdings as a claim does.
  it.each([
    { setup: 'an API process and three workers', api: ['serve', '--no-worker'], workers: 3 },
    { setup: 'serve (adopting what it fans out) and two workers', api: ['serve'], workers: 2 },
  ])('$setup never put more than the concurrency of a webhook in flight, and send each delivery once', { timeout: 180_000 }, async (c) => {
    const database = await createTestDatabase('postgres');
    running.push(() => database.drop());
    await database.store.close();
    const env = clusterEnv(database.url, { LABELHOOK_WEBHOOK_CONCURRENCY: String(CONCURRENCY) });
    const { proc, base } = await startApi(env, c.api);
    running.push(() => proc.kill());
    const project = await api(base, 'POST', '/projects', { name: 'concurrency', labelSet: [{ id: 'x', label: 'X' }] });
    expect(project.status).toBe(201);
    const receivers = await Promise.all(Array.from({ length: WEBHOOKS }, () => concurrencyReceiver(40)));
    for (const r of receivers) {
      const hook = await api(base, 'POST', '/webhooks', { url: r.receiver.url, events: ['PROJECT_UPDATED'], projectId: project.json.id });
      expect(hook.status).toBe(201);
    }
    const workers = await Promise.all(Array.from({ length: c.workers }, () => startWorkerProcess(env)));
    for (const w of workers) running.push(() => w.kill());

    await pooled(EVENTS, 8, async (i) => {
      const res = await api(base, 'PATCH', `/projects/${project.json.id}`, { name: `rename-${i}` });
      expect(res.status).toBe(200);
    });
    await eventually(
      () => receivers.every((r) => r.byMessage.size === EVENTS),
      120_000,
      () => `received ${receivers.map((r) => r.byMessage.size).join(', ')} of ${EVENTS} each`,
    );
    for (const r of receivers) {
      // The webhook's concurrency, reached and never exceeded, with several processes holding its deliveries.
      expect(r.max()).toBe(CONCURRENCY);
      expect(r.receiver.received.length).toBe(EVENTS);
      expect([...r.byMessage.values()].every((n) => n === 1)).toBe(true);
    }
    const admin = new pg.Client({ connectionString: process.env.LABELHOOK_TEST_POSTGRES_URL });
    await admin.connect();
    try {
      // Results are recorded in batches after the responses: every delivery ends succeeded, none left leased.
      let counts: Record<string, number> = {};
      await eventually(
        async () => {
          counts = await deliveryStatusCounts(admin, database.schema!);
          return counts.succeeded === EVENTS * WEBHOOKS;
        },
        10_000,
        () => `delivery states ${JSON.stringify(counts)}`,
      );
      expect(counts).toEqual({ succeeded: EVENTS * WEBHOOKS });
    } finally {
      await admin.end();
    }
  });
});
