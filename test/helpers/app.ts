import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig, type Config } from '../../src/config.js';
import { composeApp, type ComposeOptions } from '../../src/composition.js';
import { bootstrap } from '../../src/domain/bootstrap.js';
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

/** What a test may choose about the composed context (src/composition.ts), as production's callers do. */
export type TestAppOptions = Pick<ComposeOptions, 'clock' | 'lookup' | 'labelGate'>;

/**
 * Builds the app on a fresh database of `backend`, composed as `labelhook serve` composes it; `overrides` adjust
 * the configuration. Start the engine on `ctx` (startEngine) for delivery tests.
 */
export async function createTestApp(backend: Backend, overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  return createTestAppOn(await createTestDatabase(backend), overrides, options);
}

/** Builds the app as createTestApp does, on a test database the caller created (e.g. with a named PostgreSQL pool). */
export async function createTestAppOn(database: TestDatabase, overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ LABELHOOK_DATABASE_URL: database.url, LABELHOOK_LOG_LEVEL: 'silent' }, overrides);
  const composed = composeApp({ config, store: database.store, logger: pino({ level: 'silent' }), ...options });
  const { ctx } = composed;
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
      await composed.close();
      await database.drop();
    },
  };
}

/** Authorization header for a key. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
