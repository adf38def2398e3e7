import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig, type Config } from '../../src/config.js';
import { bootstrap } from '../../src/domain/bootstrap.js';
import { openGate } from '../../src/events/label-gate.js';
import { buildApp } from '../../src/http/app.js';
import { createTestDatabase, type Backend, type TestDatabase } from './backends.js';

/** An in-process app on its own database with a bootstrapped admin, for `inject` tests. */
export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  adminKey: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_KEY = 'lh_test_admin_key_0123456789';

/** Builds the app on a fresh database of `backend`; `overrides` adjust the configuration. */
export async function createTestApp(backend: Backend, overrides: Partial<Config> = {}, patch: Partial<AppContext> = {}): Promise<TestApp> {
  const database = await createTestDatabase(backend);
  const config = loadConfig({ LABELHOOK_DATABASE_URL: database.url, LABELHOOK_LOG_LEVEL: 'silent' }, overrides);
  const ctx: AppContext = {
    config,
    store: database.store,
    clock: () => Date.now(),
    logger: pino({ level: 'silent' }),
    labelGate: openGate,
    eventsCommitted: () => undefined,
    ...patch,
  };
  await bootstrap(ctx.store.db, TEST_ADMIN_KEY, ctx.clock());
  const app = await buildApp(ctx);
  await app.ready();
  return {
    app,
    ctx,
    database,
    adminKey: TEST_ADMIN_KEY,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** Authorization header for a key. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
