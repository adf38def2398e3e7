import type { ServerResponse } from 'node:http';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase } from '../helpers/backends.js';
import { startReceiver } from '../helpers/receiver.js';
import { sleep } from '../helpers/wait.js';
import { api, clusterEnv, deliveryStatusCounts, eventually, pooled, startApi, startWorkerProcess, type LabelhookProcess } from './cluster.js';

// Heartbeats and takeover are how PostgreSQL workers learn that one of them died (SQLite has its worker lock, see
// test/webhooks/crash-restart.test.ts). Without LABELHOOK_TEST_POSTGRES_URL these show as skipped.
const ON_POSTGRES = BACKENDS.includes('postgres');
const PROJECTS = 5;
const HEARTBEAT_TIMEOUT_MS = 2000;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop().catch(() => undefined);
});

/** A loopback receiver that parks every request until `release()`, then answers each at once; counts each webhook-id. */
interface GatedReceiver {
  url: string;
  byMessage: Map<string, number>;
  /** Requests received and not answered yet. */
  parked: number;
  release(): void;
  close(): Promise<void>;
}

async function startGatedReceiver(): Promise<GatedReceiver> {
  const waiting: ServerResponse[] = [];
  let released = false;
  const receiver = await startReceiver({
    handler: (req, res) => {
      const id = String(req.headers['webhook-id']);
      r.byMessage.set(id, (r.byMessage.get(id) ?? 0) + 1);
      if (released) res.writeHead(200).end('ok');
      else {
        waiting.push(res);
        r.parked += 1;
      }
    },
  });
  const r: GatedReceiver = {
    url: receiver.url,
    byMessage: new Map(),
    parked: 0,
    release() {
      released = true;
      for (const res of waiting.splice(0)) res.writeHead(200).end('ok');
      r.parked = 0;
    },
    close: () => receiver.close(),
  };
  return r;
}

interface Cluster {
  schema: string;
  env: Record<string, string>;
  admin: pg.Client;
  receiver: GatedReceiver;
  base: string;
  projects: string[];
}

/** One database, an API process, a gated receiver and one webhook per project; 60 s leases, a 2 s heartbeat timeout. */
async function startCluster(extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabase('postgres');
  running.push(() => database.drop());
  await database.store.close();
  // Leases far longer than the test: a takeover seen here comes from the heartbeat, never from a lease expiring.
  const env = clusterEnv(database.url, { LABELHOOK_LEASE: '60s', LABELHOOK_WORKER_HEARTBEAT_TIMEOUT: `${HEARTBEAT_TIMEOUT_MS}ms`, ...extraEnv });
  const { proc, base } = await startApi(env);
  running.push(() => proc.kill());
  const admin = new pg.Client({ connectionString: process.env.LABELHOOK_TEST_POSTGRES_URL });
  await admin.connect();
  running.push(() => admin.end());
  const receiver = await startGatedReceiver();
  running.push(() => receiver.close());
  const projects: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const project = await api(base, 'POST', '/projects', { name: `p${i}` });
    expect(project.status).toBe(201);
    projects.push(project.json.id);
    expect((await api(base, 'POST', '/webhooks', { url: receiver.url, events: ['PROJECT_UPDATED'], projectId: project.json.id })).status).toBe(201);
  }
  return { schema: database.schema!, env, admin, receiver, base, projects };
}

async function addWorker(c: Cluster): Promise<LabelhookProcess> {
  const w = await startWorkerProcess(c.env);
  running.push(async () => {
    w.child.kill('SIGCONT');
    await w.kill();
  });
  return w;
}

/** `count` project renames spread over the projects. */
async function burst(c: Cluster, count: number): Promise<void> {
  await pooled(count, 10, async (i) => {
    const res = await api(c.base, 'PATCH', `/projects/${c.projects[i % PROJECTS]}`, { name: `p${i % PROJECTS}-${i}` });
    expect(res.status).toBe(200);
  });
}

/** webhook-ids of the deliveries leased to the process `w` (lease owners are `host:pid:random`). */
async function leasedTo(c: Cluster, w: LabelhookProcess): Promise<string[]> {
  const res = await c.admin.query<{ id: string }>(
    `select message_id as id from "${c.schema}".deliveries where status = 'delivering' and lease_owner like $1`,
    [`%:${w.child.pid}:%`],
  );
  return res.rows.map((r) => r.id);
}

async function workerRows(c: Cluster, w: LabelhookProcess): Promise<number> {
  const res = await c.admin.query<{ n: number }>(`select count(*)::int as n from "${c.schema}".workers where id like $1`, [`%:${w.child.pid}:%`]);
  return res.rows[0]!.n;
}

/** Every PROJECT_UPDATED event has one delivery, all succeeded, and each reached the receiver. */
async function expectAllDelivered(c: Cluster, timeoutMs: number): Promise<number> {
  const events = await c.admin.query<{ n: number }>(`select count(*)::int as n from "${c.schema}".events where type = 'PROJECT_UPDATED'`);
  const expected = events.rows[0]!.n;
  await eventually(
    async () => {
      const counts = await deliveryStatusCounts(c.admin, c.schema);
      return counts.succeeded === expected && Object.keys(counts).length === 1 && c.receiver.byMessage.size === expected;
    },
    timeoutMs,
    async () => `expected ${expected}; statuses ${JSON.stringify(await deliveryStatusCounts(c.admin, c.schema))}, received ${c.receiver.byMessage.size}`,
  );
  return expected;
}

describe.runIf(ON_POSTGRES)('worker heartbeat and takeover (postgres)', () => {
  it('a worker killed with SIGKILL has its deliveries taken over within the heartbeat timeout plus a second, not after its 60 s leases', { timeout: 120_000 }, async () => {
    const c = await startCluster();
    const [a, b] = await Promise.all([addWorker(c), addWorker(c)]);
    // The receiver parks everything: both workers fill their queues and hold their leases while the burst lands.
    await burst(c, 250);
    await eventually(async () => (await leasedTo(c, a)).length > 0 && (await leasedTo(c, b)).length > 0, 30_000, () => 'both workers hold leases');
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    const held = await leasedTo(c, a);
    expect(held.length).toBeGreaterThan(0);
    c.receiver.release();

    await eventually(async () => (await leasedTo(c, a)).length === 0, 20_000, () => 'the dead worker still holds leases');
    const takenOverMs = Date.now() - killedAt;
    expect(await workerRows(c, a)).toBe(0);
    expect(takenOverMs).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT_MS + 1000);
    await eventually(() => held.every((id) => c.receiver.byMessage.has(id)), 30_000, () => 'the dead worker\'s deliveries are not all delivered');
    const deliveredMs = Date.now() - killedAt;
    console.log(`postgres kill: ${held.length} deliveries of the killed worker taken over ${takenOverMs} ms and delivered ${deliveredMs} ms after the kill (heartbeat timeout ${HEARTBEAT_TIMEOUT_MS} ms)`);
    expect(await expectAllDelivered(c, 60_000)).toBe(250);
    expect(b.child.exitCode).toBeNull();
  });

  it('a worker paused past the heartbeat timeout (SIGSTOP) sends none of the deliveries another worker took over once it resumes', { timeout: 120_000 }, async () => {
    // One request per webhook at a time: with the receiver parking them, the worker's other deliveries wait queued.
    const c = await startCluster({ LABELHOOK_WEBHOOK_CONCURRENCY: '1' });
    const a = await addWorker(c);
    await burst(c, 250);
    // Every webhook has one request parked at the receiver (on the wire, answered later) and the rest queued.
    // Nothing finishes while the receiver parks, so nothing new starts: no request is half-sent at the pause.
    await eventually(async () => c.receiver.parked === PROJECTS && (await leasedTo(c, a)).length === 250, 30_000, () => `parked ${c.receiver.parked}`);
    a.child.kill('SIGSTOP');
    const onTheWire = new Set(c.receiver.byMessage.keys());
    expect(onTheWire.size).toBe(PROJECTS);
    const held = await leasedTo(c, a);
    c.receiver.release();

    // The other worker sees the paused one's heartbeat go stale, removes it and sends what it held.
    const b = await addWorker(c);
    await eventually(async () => (await workerRows(c, a)) === 0 && (await leasedTo(c, a)).length === 0, 20_000, () => 'the paused worker was not taken over');
    await eventually(() => held.every((id) => c.receiver.byMessage.has(id)), 30_000, () => 'the taken-over deliveries are not all delivered');

    a.child.kill('SIGCONT');
    // Resumed, it reads its parked answers, finds its row gone and drops its queue instead of sending it.
    await a.waitForLog('this worker stalled past the heartbeat timeout and was taken for dead: dropped what it held, sending under a new owner id', 15_000);
    expect(await expectAllDelivered(c, 60_000)).toBe(250);
    // Let anything it might still send arrive before counting.
    await sleep(1000);
    const twice = [...c.receiver.byMessage].filter(([, n]) => n > 1).map(([id]) => id);
    // Only requests already on the wire at the pause may arrive twice (the other worker sent them again).
    expect(twice.filter((id) => !onTheWire.has(id))).toEqual([]);
    expect([...c.receiver.byMessage.values()].reduce((s, n) => s + n, 0)).toBe(250 + twice.length);
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
  });
});
