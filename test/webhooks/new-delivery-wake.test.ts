import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { bootstrap } from '../../src/domain/bootstrap.js';
import { buildApp } from '../../src/http/app.js';
import { newId } from '../../src/ids.js';
import { ensurePostgresSchema, migrate, openStore } from '../../src/store/db.js';
import { startEngine } from '../../src/webhooks/engine.js';
import { injectApi } from '../helpers/api-client.js';
import { TEST_ADMIN_KEY } from '../helpers/app.js';
import { BACKENDS, postgresUrlWithSchema } from '../helpers/backends.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { bump, createProject, createWebhook, FAST, useEngineApp, type EngineApp } from './receiver.js';

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

/**
 * An engine app on PostgreSQL whose connections carry `applicationName`, so the test can end them from outside
 * (as idle_session_timeout or a restart would) without touching any other test's connections.
 */
function useNamedPostgresApp(applicationName: string): EngineApp {
  const box = {} as EngineApp;
  let closeAll: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const base = process.env.LABELHOOK_TEST_POSTGRES_URL!;
    const schema = `lh_test_${randomBytes(6).toString('hex')}`;
    await ensurePostgresSchema(base, schema);
    const named = new URL(base);
    named.searchParams.set('application_name', applicationName);
    const store = openStore(named.toString(), { schema });
    await migrate(store);
    const url = postgresUrlWithSchema(base, schema);
    const config = loadConfig({ LABELHOOK_DATABASE_URL: url, LABELHOOK_LOG_LEVEL: 'silent' }, { ...FAST, ...SLOW_POLL });
    const composed = composeApp({ config, store, logger: pino({ level: 'silent' }) });
    await bootstrap(composed.ctx.store.db, TEST_ADMIN_KEY, composed.ctx.clock());
    const app = await buildApp(composed.ctx);
    await app.ready();
    const drop = async (): Promise<void> => {
      await store.close().catch(() => undefined);
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`drop schema if exists "${schema}" cascade`).finally(() => admin.end());
    };
    box.t = { app, ctx: composed.ctx, database: { store, url, schema, drop }, adminKey: TEST_ADMIN_KEY, close: async () => undefined };
    box.engine = startEngine(composed.ctx);
    const client = injectApi(app, TEST_ADMIN_KEY);
    box.api = (method, path, body) => client.call(method, path, body);
    closeAll = async () => {
      await box.engine.stop();
      await app.close();
      await composed.close();
      await drop();
    };
  });
  afterAll(() => closeAll());
  return box;
}

describe.each(BACKENDS.filter((b) => b === 'postgres'))("fan-out's own connection, ended by the database (%s)", () => {
  const applicationName = `lh_test_${randomBytes(4).toString('hex')}`;
  const app = useNamedPostgresApp(applicationName);

  it('the next change is delivered without waiting for a poll', async () => {
    await withReceivers(1, async ([r]) => {
      const projectId = await createProject(app, 'Ended connection');
      await createWebhook(app, { url: r!.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'first');
      await r!.waitForCount(1, PROMPT_MS);
      // Every idle connection of this app ends, the one fan-out keeps among them (the pool drops its own idle ones).
      const admin = new pg.Client({ connectionString: process.env.LABELHOOK_TEST_POSTGRES_URL });
      await admin.connect();
      try {
        const ended = await admin.query<{ n: number }>(
          `with idle as materialized (select pid from pg_stat_activity where application_name = $1 and state = 'idle')
           select count(*)::int as n from idle where pg_terminate_backend(pid)`,
          [applicationName],
        );
        expect(ended.rows[0]!.n).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await bump(app, projectId, 'second');
      await r!.waitForCount(2, PROMPT_MS);
    });
  });
});
