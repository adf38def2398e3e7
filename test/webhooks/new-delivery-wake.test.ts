import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { BACKENDS } from '../helpers/backends.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { bump, createProject, createWebhook, useEngineApp, type EngineApp } from './receiver.js';

// A poll interval far longer than any wait below: a delivery that arrives in time was not found by a poll. The
// heartbeat timeout is as long, so a worker whose heartbeat waits for a busy pool stays live meanwhile.
const SLOW_POLL = { pollIntervalMs: 30_000, workerHeartbeatTimeoutMs: 30_000 };
// How long a new delivery may take to arrive: generous on a loaded machine, far below the poll interval.
const PROMPT_MS = 5_000;

async function withReceivers(count: number, run: (r: TestReceiver[]) => Promise<void>): Promise<void> {
  const receivers = await Promise.all(Array.from({ length: count }, () => startReceiver({ path: '' })));
  try {
    await run(receivers);
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
  }
}

describe.each(BACKENDS)("a new event's delivery is sent as the webhook is now, without waiting for a poll (%s)", (backend) => {
  const app = useEngineApp(backend, SLOW_POLL);

  it('an edited webhook URL is used by the very next change', async () => {
    await withReceivers(2, async ([before, after]) => {
      const projectId = await createProject(app, 'Edited hook');
      const hook = await createWebhook(app, { url: before!.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'first');
      await before!.waitForCount(1, PROMPT_MS);
      const res = await app.api('PATCH', `/webhooks/${hook.id}`, { url: after!.url });
      expect(res.status).toBe(200);
      await bump(app, projectId, 'second');
      const [got] = await after!.waitForCount(1, PROMPT_MS);
      expect(JSON.parse(got!.body).data.project.name).toBe('second');
      expect(before!.received).toHaveLength(1);
    });
  });
});

/** Writes a copy of the newest PROJECT_UPDATED event straight into the outbox: committed, announced to nobody. */
async function copyLastEvent(app: EngineApp): Promise<void> {
  const db = app.t.ctx.store.db;
  const row = await db.selectFrom('events').selectAll().where('type', '=', 'PROJECT_UPDATED').orderBy('seq', 'desc').executeTakeFirstOrThrow();
  const id = newId('evt');
  const { seq: _seq, ...rest } = row;
  await db
    .insertInto('events')
    .values({ ...rest, id, data: row.data.replace(row.id, id), dispatched_at: null })
    .execute();
}

describe.each(BACKENDS.filter((b) => b === 'postgres'))('fan-out keeps a connection of its own (%s)', (backend) => {
  const app = useEngineApp(backend, SLOW_POLL);

  it('an event announced while long queries hold every other pooled connection is delivered before they end', async () => {
    await withReceivers(1, async ([r]) => {
      const projectId = await createProject(app, 'Busy pool');
      await createWebhook(app, { url: r!.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'first');
      await r!.waitForCount(1, PROMPT_MS);
      // As another process would: the event is committed there, and its NOTIFY reaches this one as a peer wake.
      await copyLastEvent(app);
      let ended = false;
      // More long queries than the pool has connections (10): every connection not kept by the engine is busy.
      const busy = Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(${PROMPT_MS / 1000 + 3})`.execute(app.t.ctx.store.db))).finally(() => {
        ended = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      app.t.ctx.commitSignal.emit('eventsCommitted', 'peer');
      await r!.waitForCount(2, PROMPT_MS);
      expect(ended).toBe(false);
      await busy;
    });
  });
});
