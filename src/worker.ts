import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { Clock } from './clock.js';
import { composeApp } from './composition.js';
import type { Config } from './config.js';
import { registerHealthRoutes } from './http/routes/health.js';
import { registerMetricsRoutes } from './http/routes/metrics.js';
import { startEngineHost } from './process/engine-host.js';
import { migrate, openStore } from './store/db.js';
import { warnWideFiles } from './store/file-modes.js';

/** A running `labelhook worker`: dispatcher and delivery workers, no API. */
export interface RunningWorker {
  ctx: AppContext;
  /** The /healthz, /readyz and /metrics listener, when a port was asked for. */
  health: FastifyInstance | null;
  /** The port the health listener got (null without one). */
  healthPort: number | null;
  /** Stops claiming, drains in-flight deliveries (up to config.drainTimeoutMs), closes everything. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Serve /healthz, /readyz and /metrics on this port (0: any free port); omitted: no HTTP at all. */
  healthPort?: number;
}

/**
 * Opens the database, applies pending migrations (under the migration lock, so several workers starting
 * together are safe) and runs fan-out and delivery. No bootstrap and no API: `labelhook serve` owns those.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, logger } = options;
  const store = openStore(config.databaseUrl);
  warnWideFiles(logger, store.sqlitePath);
  try {
    await migrate(store);
    const composed = composeApp({ config, store, logger, processMetrics: true, ...(options.clock ? { clock: options.clock } : {}) });
    const { ctx } = composed;
    const host = await startEngineHost(ctx, { worker: true, role: 'worker', databaseUrl: config.databaseUrl });
    let health: FastifyInstance | null = null;
    let healthPort: number | null = null;
    if (options.healthPort !== undefined) {
      try {
        health = Fastify({ loggerInstance: logger as FastifyBaseLogger, disableRequestLogging: true });
        registerHealthRoutes(health, ctx);
        registerMetricsRoutes(health, ctx);
        await health.listen({ port: options.healthPort, host: config.host });
        const address = health.server.address();
        healthPort = address && typeof address === 'object' ? address.port : options.healthPort;
      } catch (err) {
        await host.stop();
        await composed.close();
        throw err;
      }
    }
    return {
      ctx,
      health,
      healthPort,
      stop: async () => {
        await host.stop();
        await health?.close();
        await composed.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
