import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { Clock } from './clock.js';
import { composeApp } from './composition.js';
import type { Config } from './config.js';
import { bootstrap, type BootstrapResult } from './domain/bootstrap.js';
import { buildApp } from './http/app.js';
import { startEngineHost } from './process/engine-host.js';
import { engineThreadAvailable, startEngineThread } from './process/engine-thread.js';
import { migrate, openStore } from './store/db.js';
import { warnWideFiles } from './store/file-modes.js';

/** A running labelhook: the HTTP app, its context and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  bootstrap: BootstrapResult;
  /** The port actually listened on (useful with port 0). */
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Run the dispatcher and delivery workers in this process (default true). */
  worker?: boolean;
  /** Listen on config.port; false builds the app only (tests use inject). */
  listen?: boolean;
  /**
   * With a worker: run it in its own thread, so API and delivery each have an event loop and a core (default: true
   * when compiled). False runs it on the API's loop (embedding); so does a process started from TypeScript sources
   * (tests, tsx), where the thread's compiled entry does not exist.
   */
  engineThread?: boolean;
  /** The engine thread died: default, log it and exit 1 so a supervisor restarts the process (the outbox keeps every committed event). */
  onEngineCrash?: (err: Error) => void;
}

/** Opens the database, migrates, bootstraps, builds the app and (optionally) listens. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const store = openStore(config.databaseUrl);
  warnWideFiles(logger, store.sqlitePath);
  await migrate(store);
  const composed = composeApp({ config, store, logger, processMetrics: true, ...(options.clock ? { clock: options.clock } : {}) });
  const { ctx } = composed;
  const boot = await bootstrap(store.db, config.adminKey, ctx.clock());
  // Before the app exists and listens: resolves the secret key (a clear start-up error when it is missing), and
  // with a worker starts fan-out and delivery, woken by the commit signal: by default in an engine thread with its
  // own store connection (src/process/engine-thread.ts). The delivering side takes SQLite's single-writer lock (a
  // second one is refused); on PostgreSQL processes wake each other with LISTEN/NOTIFY (src/process/engine-host.ts).
  const worker = options.worker !== false;
  let engine: { stop(): Promise<void> };
  if (worker && (options.engineThread ?? engineThreadAvailable())) {
    ctx.webhooks.requireSecretKey();
    engine = await startEngineThread(ctx, { role: 'serve', onCrash: options.onEngineCrash ?? ((err) => exitOnCrash(logger, err)) });
  } else {
    engine = await startEngineHost(ctx, { worker, role: 'serve', databaseUrl: config.databaseUrl });
  }
  const app = await buildApp(ctx);
  let port = config.port;
  if (options.listen !== false) {
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (err) {
      // e.g. the port is taken: give back the worker lock and the pools before failing.
      await engine.stop();
      await app.close();
      await composed.close();
      await store.close();
      throw err;
    }
    const address = app.server.address();
    if (address && typeof address === 'object') port = address.port;
  }
  return {
    app,
    ctx,
    bootstrap: boot,
    port,
    stop: async () => {
      // The engine first: it drains in-flight deliveries (up to drainTimeoutMs) while the database is still open.
      await engine.stop();
      await app.close();
      await composed.close();
      await store.close();
    },
  };
}

function exitOnCrash(logger: Logger, err: Error): void {
  logger.fatal({ err }, 'the engine thread crashed; exiting so that a supervisor restarts labelhook (committed events wait in the outbox)');
  process.exit(1);
}
