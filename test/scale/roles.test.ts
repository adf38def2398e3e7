import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.js';
import { createTestDatabase } from '../helpers/backends.js';
import { freePort } from '../helpers/ports.js';
import { startReceiver } from '../helpers/receiver.js';
import { api, clusterEnv, eventually, startApi, startLabelhook, startWorkerProcess, type LabelhookProcess } from './cluster.js';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop().catch(() => undefined);
});

async function sqliteEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const database = await createTestDatabase('sqlite');
  running.push(() => database.drop());
  await database.store.close();
  return clusterEnv(database.url, extra);
}

/** A receiver that takes requests and never answers them. */
async function hangingReceiver(): Promise<{ url: string; received: () => number }> {
  const receiver = await startReceiver({ handler: () => undefined });
  running.push(() => receiver.close());
  return { url: receiver.url, received: () => receiver.received.length };
}

function track(proc: LabelhookProcess): LabelhookProcess {
  running.push(() => proc.kill());
  return proc;
}

/** A delivering `labelhook serve` with one webhook to a hanging receiver and one change on its way: a request in flight. */
async function serveWithRequestInFlight(env: Record<string, string>): Promise<{ serve: LabelhookProcess; base: string }> {
  const port = await freePort();
  const serve = track(startLabelhook(['serve'], { ...env, PORT: String(port) }));
  await serve.waitForLog('labelhook listening');
  const base = `http://127.0.0.1:${port}`;
  const receiver = await hangingReceiver();
  const project = await api(base, 'POST', '/projects', { name: 'p', labelSet: [{ id: 'x', label: 'X' }] });
  expect((await api(base, 'POST', '/webhooks', { url: receiver.url, events: ['PROJECT_UPDATED'], projectId: project.json.id })).status).toBe(201);
  expect((await api(base, 'PATCH', `/projects/${project.json.id}`, { name: 'q' })).status).toBe(200);
  await eventually(() => receiver.received() >= 1, 30_000, () => 'the hanging receiver got no request');
  return { serve, base };
}

describe('process roles on SQLite', () => {
  it('refuses a second delivering process with a clear message, while an API-only one runs alongside', { timeout: 90_000 }, async () => {
    const env = await sqliteEnv();
    const port = await freePort();
    const serve = track(startLabelhook(['serve'], { ...env, PORT: String(port) }));
    await serve.waitForLog('labelhook listening');
    const second = track(startLabelhook(['worker'], env));
    expect(await second.exited).toBe(1);
    expect(second.stderr).toContain('Another process already delivers webhooks');
    expect(second.stderr).toMatch(/labelhook serve \(pid \d+/);
    expect(second.stderr).toContain('--no-worker');
    const { proc, base } = await startApi(env);
    track(proc);
    expect((await api(base, 'GET', '/projects')).status).toBe(200);
  });

  it('labelhook worker serves /healthz, /readyz and /metrics on --metrics-port, and nothing else', { timeout: 90_000 }, async () => {
    const env = await sqliteEnv();
    const port = await freePort();
    const worker = track(await startWorkerProcess(env, ['--metrics-port', String(port)]));
    expect(worker.child.exitCode).toBeNull();
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('labelhook_deliveries_pending');
    expect(metrics).toContain('labelhook_process_resident_memory_bytes');
    expect((await fetch(`${base}/api/v1/projects`)).status).toBe(404);
  });

  it('SIGTERM with a request hanging past the drain timeout exits 0 and gives the delivery back', { timeout: 90_000 }, async () => {
    const env = await sqliteEnv({ LABELHOOK_DRAIN_TIMEOUT: '500ms', LABELHOOK_REQUEST_TIMEOUT: '60s', LABELHOOK_LEASE: '60s' });
    const { serve } = await serveWithRequestInFlight(env);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.logs.some((l) => l.msg === 'drain timeout: released the leases of unfinished deliveries' && l.released === 1)).toBe(true);
    // Released, not left leased for 60 s: a restart sends it again at once (same webhook-id; at least once).
    const store = openStore(env.LABELHOOK_DATABASE_URL!);
    try {
      const rows = await store.db.selectFrom('deliveries').select(['status', 'lease_owner']).execute();
      expect(rows).toEqual([{ status: 'pending', lease_owner: null }]);
    } finally {
      await store.close();
    }
  });

  it('a second signal exits at once without waiting for the drain', { timeout: 90_000 }, async () => {
    const env = await sqliteEnv({ LABELHOOK_DRAIN_TIMEOUT: '60s', LABELHOOK_REQUEST_TIMEOUT: '60s' });
    const { serve } = await serveWithRequestInFlight(env);
    serve.child.kill('SIGTERM');
    await serve.waitForLog('shutting down: no new claims, draining in-flight deliveries');
    serve.child.kill('SIGTERM');
    // 128 + 15, as a shell reports a process ended by SIGTERM; long before the 60 s drain would end.
    expect(await serve.exited).toBe(143);
    expect(serve.logs.some((l) => l.msg === 'second signal: exiting now without draining')).toBe(true);
  });
});
