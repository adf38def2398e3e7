import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';
import { api, clusterEnv, deliveryStatusCounts, eventually, pooled, startApi, startWorkerProcess, undispatchedEventCount, type LabelhookProcess } from './cluster.js';
import { startCountingReceiver, type CountingReceiver } from './receivers.js';
import { sleep } from '../helpers/wait.js';

// Scale-out is a PostgreSQL feature (SQLite allows one delivering process). CI always sets LABELHOOK_TEST_POSTGRES_URL;
// without it these run on no database and show as skipped (an empty file would fail the run).
const ON_POSTGRES = BACKENDS.includes('postgres');
const PROJECTS = 5;

interface Cluster {
  database: TestDatabase;
  schema: string;
  /** Processes of this cluster connect with this application_name, so a test can cut exactly their connections. */
  appName: string;
  env: Record<string, string>;
  base: string;
  admin: pg.Client;
  receivers: CountingReceiver[];
  projects: string[];
  workers: LabelhookProcess[];
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop().catch(() => undefined);
});

/** One database, an API-only process, five receivers, five projects and one project-scoped webhook per receiver. */
async function startCluster(options: { receiverDelayMs?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const database = await createTestDatabase('postgres');
  running.push(() => database.drop());
  await database.store.close();
  const appName = `lh_scale_${randomBytes(4).toString('hex')}`;
  const url = new URL(database.url);
  url.searchParams.set('application_name', appName);
  const env = clusterEnv(url.toString(), options.env);
  const { proc, base } = await startApi(env);
  running.push(() => proc.kill());
  const admin = new pg.Client({ connectionString: process.env.LABELHOOK_TEST_POSTGRES_URL });
  await admin.connect();
  running.push(() => admin.end());
  const receivers: CountingReceiver[] = [];
  const projects: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const r = await startCountingReceiver(options.receiverDelayMs ?? 0);
    running.push(() => r.close());
    receivers.push(r);
    const project = await api(base, 'POST', '/projects', { name: `p${i}-start`, labelSet: [{ id: 'x', label: 'X' }] });
    expect(project.status).toBe(201);
    projects.push(project.json.id);
    const hook = await api(base, 'POST', '/webhooks', { url: r.url, events: ['PROJECT_UPDATED'], projectId: project.json.id });
    expect(hook.status).toBe(201);
  }
  return { database, schema: database.schema!, appName, env, base, admin, receivers, projects, workers: [] };
}

async function addWorker(c: Cluster, extraEnv: Record<string, string> = {}): Promise<LabelhookProcess> {
  const w = await startWorkerProcess({ ...c.env, ...extraEnv });
  running.push(() => w.kill());
  c.workers.push(w);
  return w;
}

/** `count` project renames spread over the projects, `concurrency` at a time; a failed call is retried (the API may be recovering). */
async function burst(c: Cluster, count: number, concurrency = 12): Promise<void> {
  await pooled(count, concurrency, async (i) => {
    const body = { name: `p${i % PROJECTS}-${String(i).padStart(5, '0')}` };
    for (let tries = 0; ; tries++) {
      try {
        const res = await api(c.base, 'PATCH', `/projects/${c.projects[i % PROJECTS]}`, body);
        if (res.status === 200) return;
        if (res.status < 500 || tries >= 20) throw new Error(`rename answered ${res.status}: ${JSON.stringify(res.json)}`);
      } catch (err) {
        if (tries >= 20) throw err;
      }
      await sleep(100);
    }
  });
}

const totalReceived = (c: Cluster): number => c.receivers.reduce((n, r) => n + r.received, 0);
const distinctReceived = (c: Cluster): number => c.receivers.reduce((n, r) => n + r.byMessage.size, 0);
const duplicates = (c: Cluster): number => c.receivers.reduce((n, r) => n + [...r.byMessage.values()].filter((k) => k > 1).length, 0);

/** Every committed PROJECT_UPDATED event has one delivery, and every delivery succeeded and reached its receiver. */
async function expectAllDelivered(c: Cluster, timeoutMs: number): Promise<number> {
  const events = await c.admin.query<{ n: number }>(`select count(*)::int as n from "${c.schema}".events where type = 'PROJECT_UPDATED'`);
  const expected = events.rows[0]!.n;
  await eventually(
    async () => {
      const counts = await deliveryStatusCounts(c.admin, c.schema);
      return counts.succeeded === expected && Object.keys(counts).length === 1 && distinctReceived(c) === expected;
    },
    timeoutMs,
    async () => `expected ${expected} deliveries; statuses ${JSON.stringify(await deliveryStatusCounts(c.admin, c.schema))}, distinct received ${distinctReceived(c)}`,
  );
  return expected;
}

describe.runIf(ON_POSTGRES)('scale-out: several workers on one database (postgres)', () => {
  it('three workers and one API process deliver 3,000 events to 5 receivers, each exactly once', { timeout: 240_000 }, async () => {
    const c = await startCluster();
    await Promise.all([addWorker(c), addWorker(c), addWorker(c)]);
    await burst(c, 3000);
    const expected = await expectAllDelivered(c, 180_000);
    expect(expected).toBe(3000);
    expect(totalReceived(c)).toBe(3000);
    expect(duplicates(c)).toBe(0);
    // Each receiver got its own project's renames only.
    for (const [i, r] of c.receivers.entries()) {
      expect(r.byMessage.size).toBe(600);
      for (const body of r.bodies) expect((JSON.parse(body) as { data: { project: { name: string } } }).data.project.name).toMatch(new RegExp(`^p${i}-`));
    }
  });

  it('an ordered webhook stays in event order while three workers share the line', { timeout: 180_000 }, async () => {
    const c = await startCluster();
    const r = await startCountingReceiver(2);
    running.push(() => r.close());
    const hook = await api(c.base, 'POST', '/webhooks', { url: r.url, events: ['PROJECT_UPDATED'], projectId: c.projects[0], ordered: true });
    expect(hook.status).toBe(201);
    await Promise.all([addWorker(c), addWorker(c), addWorker(c)]);
    // One rename at a time: each commits before the next starts, so event order is this order.
    for (let i = 0; i < 150; i++) expect((await api(c.base, 'PATCH', `/projects/${c.projects[0]}`, { name: `ordered-${String(i).padStart(4, '0')}` })).status).toBe(200);
    await eventually(() => r.byMessage.size === 150, 120_000, () => `ordered receiver got ${r.byMessage.size} of 150`);
    const names = r.bodies.map((b) => (JSON.parse(b) as { data: { project: { name: string } } }).data.project.name);
    expect(names).toEqual(Array.from({ length: 150 }, (_, i) => `ordered-${String(i).padStart(4, '0')}`));
  });

  it('a worker killed with SIGKILL mid-burst loses nothing: its leased deliveries go out again', { timeout: 240_000 }, async () => {
    const c = await startCluster({ receiverDelayMs: 50 });
    const workers = await Promise.all([addWorker(c), addWorker(c), addWorker(c)]);
    const sending = burst(c, 1500);
    await eventually(() => totalReceived(c) >= 300, 120_000, () => `received ${totalReceived(c)}`);
    // Kill a worker that holds leases right now (its requests are in flight): those are what must not be lost.
    // Which worker holds work at a given moment is up to the claim race, so look before choosing the victim.
    let victim: (typeof workers)[number] | undefined;
    let held = 0;
    await eventually(
      async () => {
        const rows = await c.admin.query<{ owner: string; n: number }>(
          `select lease_owner as owner, count(*)::int as n from "${c.schema}".deliveries where status = 'delivering' group by lease_owner`,
        );
        for (const w of workers) {
          const row = rows.rows.find((r) => r.owner?.includes(`:${w.child.pid}:`));
          if (row && row.n > 0) {
            victim = w;
            held = row.n;
            return true;
          }
        }
        return false;
      },
      60_000,
      () => 'no worker held a lease',
    );
    await victim!.kill();
    expect(held).toBeGreaterThan(0);
    await sending;
    await expectAllDelivered(c, 180_000);
  });

  it("pg_terminate_backend of every cluster connection mid-burst: workers and API recover by themselves, nothing committed is lost", { timeout: 240_000 }, async () => {
    const c = await startCluster({ receiverDelayMs: 10 });
    await Promise.all([addWorker(c), addWorker(c), addWorker(c)]);
    const sending = burst(c, 1500);
    for (const threshold of [200, 700]) {
      await eventually(() => totalReceived(c) >= threshold, 120_000, () => `received ${totalReceived(c)}`);
      const killed = await c.admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [c.appName]);
      expect(killed.rowCount).toBeGreaterThan(0);
    }
    await sending;
    await expectAllDelivered(c, 180_000);
    for (const w of c.workers) expect(w.child.exitCode).toBeNull();
    expect((await fetch(`${c.base}/readyz`)).status).toBe(200);
  });

  it('SIGTERM during a burst: in-flight requests complete, exit 0 within the drain timeout, the rest after restart', { timeout: 240_000 }, async () => {
    const c = await startCluster({ receiverDelayMs: 300 });
    const worker = await addWorker(c);
    await burst(c, 500);
    await eventually(() => totalReceived(c) >= 40, 60_000, () => `received ${totalReceived(c)}`);
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    // LABELHOOK_DRAIN_TIMEOUT is 5 s in clusterEnv; the 300 ms requests finish far sooner.
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(worker.logs.some((l) => l.msg === 'stopped cleanly')).toBe(true);
    // Every request the worker started was answered in full, and recorded as succeeded before the exit.
    const answered = c.receivers.reduce((n, r) => n + r.answered, 0);
    expect(c.receivers.reduce((n, r) => n + r.aborted + r.open, 0)).toBe(0);
    const counts = await deliveryStatusCounts(c.admin, c.schema);
    expect(counts.succeeded).toBe(answered);
    expect(counts.delivering ?? 0).toBe(0);
    // The rest waits for the next worker: pending deliveries, and events the dispatcher had not fanned out yet.
    expect(Object.keys(counts).filter((s) => s !== 'pending' && s !== 'succeeded')).toEqual([]);
    expect((counts.pending ?? 0) + (await undispatchedEventCount(c.admin, c.schema))).toBeGreaterThan(0);
    await addWorker(c);
    await expectAllDelivered(c, 180_000);
    expect(duplicates(c)).toBe(0);
  });
});
