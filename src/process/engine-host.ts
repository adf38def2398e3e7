import type { AppContext } from '../app-context.js';
import { createMetrics } from '../metrics/metrics.js';
import { limitHeapGrowth } from './heap-growth.js';
import { startPgWakeups, type PgWakeups } from '../store/pg-notify.js';
import { acquireSqliteWorkerLock, type WorkerLock } from '../store/sqlite-worker-lock.js';
import { startEngine, type Engine } from '../webhooks/engine.js';
import { releaseDeadProcessLeases } from '../webhooks/delivery/leases.js';

export interface EngineHostOptions {
  /** Run the dispatcher and delivery workers in this process. */
  worker: boolean;
  /** What this process is, for the SQLite lock's refusal message (`serve`, `worker`). */
  role: string;
  /** The database URL the store was opened with (the LISTEN connection opens its own). */
  databaseUrl: string;
}

/** The webhook side of one process in its role, with what it needs around it. */
export interface EngineHost {
  engine: Engine;
  /** Drains the engine (bounded by config.drainTimeoutMs), then drops the LISTEN connection and the SQLite lock. */
  stop(): Promise<void>;
}

/**
 * Starts the engine of a `serve` or `worker` process on `ctx`: makes sure the process has metrics, takes the
 * SQLite single-writer lock when this process delivers (and gives back the leases a dead predecessor left), and on PostgreSQL links processes with LISTEN/NOTIFY:
 * local commits are announced to every process, and announcements from others wake the local dispatcher,
 * workers and event streams. Polling stays the fallback everywhere.
 */
export async function startEngineHost(ctx: AppContext, options: EngineHostOptions): Promise<EngineHost> {
  if (options.worker) limitHeapGrowth(ctx.config.heapGrowthPercent);
  ctx.metrics ??= createMetrics({ store: ctx.store, clock: ctx.clock, logger: ctx.logger, processMetrics: true });
  let lock: WorkerLock | null = null;
  const sqlitePath = ctx.store.sqlitePath;
  if (options.worker && ctx.store.dialect === 'sqlite' && sqlitePath !== null && sqlitePath !== ':memory:') {
    lock = acquireSqliteWorkerLock(sqlitePath, options.role);
  }
  let engine: Engine | undefined;
  let wakeups: PgWakeups | null = null;
  try {
    if (lock) {
      // A previous deliverer that died (kill -9, power loss) left its leases: hand them out now, not a lease later.
      const released = await releaseDeadProcessLeases(ctx.store, ctx.clock());
      if (released > 0) ctx.logger.info({ released }, 'released the leases of a previous process that did not stop cleanly');
    }
    // Another process committed events or left deliveries for any worker: wake the event streams (through the
    // commit signal), the dispatcher and the workers here.
    const wakeLocal = (): void => {
      ctx.commitSignal?.notify();
      engine?.wake();
    };
    if (ctx.store.dialect === 'postgres') {
      wakeups = await startPgWakeups({ url: options.databaseUrl, store: ctx.store, logger: ctx.logger, onWake: wakeLocal });
      const localCommitted = ctx.eventsCommitted;
      const announce = wakeups;
      ctx.eventsCommitted = () => {
        localCommitted();
        announce.notify();
      };
    }
    const announce = wakeups;
    engine = startEngine(ctx, {
      worker: options.worker,
      // Deliveries fanned out here may be taken by any worker: tell the others at once.
      ...(announce ? { onWork: () => announce.notify() } : {}),
    });
  } catch (err) {
    await wakeups?.close();
    lock?.release();
    throw err;
  }
  const running = engine;
  let stopped: Promise<void> | null = null;
  return {
    engine: running,
    stop() {
      stopped ??= (async () => {
        try {
          await running.stop();
        } finally {
          await wakeups?.close();
          lock?.release();
        }
      })();
      return stopped;
    },
  };
}
