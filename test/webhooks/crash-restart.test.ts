import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/backends.js';
import { assertBuilt } from '../helpers/built.js';
import { api, clusterEnv, eventually, startApi } from '../scale/cluster.js';
import { startCountingReceiver } from '../scale/receivers.js';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop().catch(() => undefined);
});

beforeAll(() => {
  // The children run the built CLI, as users do. `npm test` builds first; rebuilding here would swap dist/ under
  // the other files running at the same time.
  assertBuilt();
});

/** Deliveries of `file` still leased to the process `pid` (lease owners are `host:pid:random`). */
function leasedTo(file: string, pid: number): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from deliveries where status = 'delivering' and lease_owner like ?`).get(`%:${pid}:%`) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('restart after a crash (sqlite)', () => {
  it('a server restarted after SIGKILL mid-burst sends the dead process\'s leased deliveries at once, not a 60 s lease later', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase('sqlite');
    running.push(() => database.drop());
    await database.store.close();
    const file = database.url.slice('sqlite:'.length);
    const receiver = await startCountingReceiver(100);
    running.push(() => receiver.close());
    // The default 60 s lease: what the dead process held must come back through the worker lock, not the lease.
    const env = clusterEnv(database.url, { LABELHOOK_LEASE: '60s' });
    const first = await startApi(env, ['serve']);
    running.push(() => first.proc.kill());
    const project = await api(first.base, 'POST', '/projects', { name: 'start' });
    expect(project.status).toBe(201);
    const hook = await api(first.base, 'POST', '/webhooks', { url: receiver.url, events: ['PROJECT_UPDATED'], projectId: project.json.id });
    expect(hook.status).toBe(201);

    // Ten clients rename the project over and over until the server dies under them.
    const acknowledged = new Set<string>();
    let next = 0;
    let killed = false;
    const client = async (): Promise<void> => {
      while (!killed) {
        const name = `r-${String(next++).padStart(5, '0')}`;
        try {
          if ((await api(first.base, 'PATCH', `/projects/${project.json.id}`, { name })).status === 200) acknowledged.add(name);
        } catch {
          // The connection died with the server: never acknowledged.
        }
        if (!killed && acknowledged.size >= 200 && receiver.received >= 20) {
          killed = true;
          first.proc.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, client));
    expect(await first.proc.exited).toBe('SIGKILL');
    const deadPid = first.proc.child.pid!;
    // The dead process held leases (in flight and queued): these are what the restart must not wait for.
    const held = leasedTo(file, deadPid);
    expect(held).toBeGreaterThan(0);

    const receivedBefore = receiver.received;
    const restartedAt = Date.now();
    const second = await startApi(env, ['serve']);
    running.push(() => second.proc.kill());
    const readyMs = Date.now() - restartedAt;
    // Ready means the worker lock is taken, and with it every dead lease given back.
    expect(leasedTo(file, deadPid)).toBe(0);
    expect(second.proc.logs.find((l) => l.msg === 'released the leases of a previous process that did not stop cleanly')?.released).toBe(held);

    await eventually(() => receiver.received > receivedBefore, 30_000, () => 'nothing delivered after the restart');
    const firstMs = Date.now() - restartedAt;
    const delivered = (): Set<string> => new Set(receiver.bodies.map((b) => (JSON.parse(b) as { data: { project: { name: string } } }).data.project.name));
    await eventually(
      () => [...acknowledged].every((n) => delivered().has(n)),
      60_000,
      () => `missing ${[...acknowledged].filter((n) => !delivered().has(n)).length} of ${acknowledged.size}`,
    );
    const lastAt = Date.now() - restartedAt;
    console.log(
      `sqlite restart: ready after ${readyMs} ms with the ${held} leases of the dead process released; first delivery ${firstMs} ms, ` +
        `every acknowledged change (${acknowledged.size}) delivered ${lastAt} ms after the restart`,
    );
    expect([...acknowledged].filter((n) => !delivered().has(n))).toEqual([]);
  });
});
