import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type Backend, type TestDatabase } from './backends.js';
import { TEST_ADMIN_KEY } from './app.js';

/** A real labelhook listening on 127.0.0.1 (API only, no delivery worker), restartable on the same database. */
export interface LiveServer {
  server: RunningServer;
  url: string;
  adminKey: string;
  database: TestDatabase;
  /** Stops the server and starts a new one on the same database and port (clients see the connection drop). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts labelhook on a fresh database of `backend`. */
export async function startLiveServer(backend: Backend): Promise<LiveServer> {
  const database = await createTestDatabase(backend);
  // The test keeps its own store only to create the database; the server opens its own.
  await database.store.close();
  const configFor = (port: number) =>
    loadConfig(
      {
        LABELHOOK_DATABASE_URL: database.url,
        LABELHOOK_LOG_LEVEL: 'silent',
        LABELHOOK_ADMIN_KEY: TEST_ADMIN_KEY,
        LABELHOOK_SECRET_KEY: 'a'.repeat(64),
        LABELHOOK_HOST: '127.0.0.1',
        LABELHOOK_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
        PORT: String(port),
      },
    );
  const start = (port: number) => startServer({ config: configFor(port), logger: pino({ level: 'silent' }), worker: false });
  const live: LiveServer = {
    server: await start(0),
    url: '',
    adminKey: TEST_ADMIN_KEY,
    database,
    restart: async () => {
      const port = live.server.port;
      await live.server.stop();
      live.server = await start(port);
    },
    close: async () => {
      await live.server.stop();
      await database.drop();
    },
  };
  live.url = `http://127.0.0.1:${live.server.port}`;
  return live;
}
