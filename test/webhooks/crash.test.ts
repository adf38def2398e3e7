import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';
import { assertBuilt, BIN, ROOT } from '../helpers/built.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/wait.js';
import { startReceiver, type Receiver } from './receiver.js';

const ADMIN_KEY = 'lh_crash_test_admin_key_0123456789';


function serve(databaseUrl: string, port: number): ChildProcess {
  return spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      LABELHOOK_DATABASE_URL: databaseUrl,
      LABELHOOK_ADMIN_KEY: ADMIN_KEY,
      LABELHOOK_SECRET_KEY: 'crash-test-secret-key-0123456789',
      LABELHOOK_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
      LABELHOOK_RETRY_SCHEDULE: '50ms,100ms,200ms,400ms,800ms,1s,1s,1s',
      LABELHOOK_POLL_INTERVAL: '50ms',
      // Deliveries the killed process held come due again after the lease.
      LABELHOOK_LEASE: '1s',
      LABELHOOK_HOST: '127.0.0.1',
      LABELHOOK_LOG_LEVEL: 'silent',
      PORT: String(port),
    },
  });
}

async function waitHealthy(base: string, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await waitUntil(
    () => `labelhook on ${base} to answer /healthz; stderr: ${stderr}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`labelhook exited with ${child.exitCode}: ${stderr}`);
      try {
        return (await fetch(`${base}/healthz`)).ok;
      } catch {
        return false; // not listening yet
      }
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

async function call(base: string, method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(() => {
  // The child runs the built CLI, as users do. `npm test` builds first; rebuilding here would swap dist/ under
  // the other files running at the same time.
  assertBuilt();
});

describe.each(BACKENDS)('crash safety (%s)', (backend) => {
  let database: TestDatabase;
  let receiver: Receiver;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    await database.store.close();
    receiver = await startReceiver();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await receiver?.close();
    await database?.drop();
  });

  it('delivers every change the API acknowledged, even when the server is killed with SIGKILL mid-burst', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = serve(database.url, port);
    await waitHealthy(base, child);
    const project = await call(base, 'POST', '/projects', { name: 'crash' });
    expect(project.status).toBe(201);
    const hook = await call(base, 'POST', '/webhooks', { url: `${receiver.url}/crash`, events: ['TASKS_CREATED'], projectId: project.json.id });
    expect(hook.status).toBe(201);

    const acknowledged = new Set<string>();
    let next = 0;
    let killed = false;
    const first = child;
    // Ten clients import one document each, over and over, until the server dies under them.
    const client = async (): Promise<void> => {
      while (!killed) {
        const key = `k-${next++}`;
        try {
          const res = await call(base, 'POST', `/projects/${String(project.json.id)}/documents`, { documents: [{ key, name: key, text: key }] });
          if (res.status >= 200 && res.status < 300) acknowledged.add(key);
        } catch {
          // The connection died with the server: this change was never acknowledged.
        }
        if (acknowledged.size >= 150 && !killed) {
          killed = true;
          first.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, client));
    await new Promise((resolve) => (first.exitCode !== null || first.signalCode !== null ? resolve(null) : first.once('exit', resolve)));
    expect(first.signalCode).toBe('SIGKILL');

    child = serve(database.url, port);
    await waitHealthy(base, child);
    const delivered = (): Set<string> =>
      new Set(receiver.received.flatMap((r) => (JSON.parse(r.body) as { data: { documents: { key: string }[] } }).data.documents.map((d) => d.key)));
    await receiver.waitFor(() => [...acknowledged].every((k) => delivered().has(k)));
    const missing = [...acknowledged].filter((k) => !delivered().has(k));
    expect(missing).toEqual([]);
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = null;
  }, 120_000);
});
