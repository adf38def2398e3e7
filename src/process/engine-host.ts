import type { AppContext } from '../app-context.js';
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
  /** The dispatcher and delivery worker; null in an API-only process. */
  engine: Engine | null;
  /** Drains the engine (bounded by config.drainTimeoutMs), then drops the LISTEN connection and the SQLite lock. */
  stop(): Promise<void>;
}

/**
 * Starts the webhook side of a `serve` or `worker` process on `ctx`: checks the secret key (a clear start-up error
 * when it is missing); in a delivering process takes the file's single-writer lock where the store has one (and gives
 * back the leases a dead predecessor left), and starts the engine; where processes can wake each other (PostgreSQL
 * LISTEN/NOTIFY) links the commit signal to the others: local commits and due deliveries are announced, and
 * announcements wake the local dispatcher, worker and event streams. Polling stays the fallback everywhere.
 */
export async function startEngineHost(ctx: AppContext, options: EngineHostOptions): Promise<EngineHost> {
  ctx.webhooks.requireSecretKey();
  if (options.worker) limitHeapGrowth(ctx.config.heapGrowthPercent);
  let lock: WorkerLock | null = null;
  const sqlitePath = ctx.store.sqlitePath;
  if (options.worker && ctx.store.capabilities.singleWriterFile && sqlitePath !== null) {
    lock = acquireSqliteWorkerLock(sqlitePath, options.role);
  }
  let engine: Engine | null = null;
  let wakeups: PgWakeups | null = null;
  const unlink: (() => void)[] = [];
  try {
    if (lock) {
      // A previous deliverer that died (kill -9, power loss) left its leases: hand them out now, not a lease later.
      const released = await releaseDeadProcessLeases(ctx.store, ctx.clock());
      if (released > 0) ctx.logger.info({ released }, 'released the leases of a previous process that did not stop cleanly');
    }
    if (ctx.store.capabilities.crossProcessNotify) wakeups = await linkProcesses(ctx, options.databaseUrl, unlink);
    if (options.worker) engine = startEngine(ctx);
  } catch (err) {
    for (const off of unlink) off();
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
          await running?.stop();
        } finally {
          for (const off of unlink) off();
          await wakeups?.close();
          lock?.release();
        }
      })();
      return stopped;
    },
  };
}

/**
 * Opens the LISTEN connection and ties it to the commit signal both ways; pushes the unsubscribers onto `unlink`.
 * Local commits are announced with their kind; other processes' wake the matching loop as a `peer` wake, never
 * announced again. Our own NOTIFY comes back too and is dropped by pg-notify.ts.
 */
async function linkProcesses(ctx: AppContext, databaseUrl: string, unlink: (() => void)[]): Promise<PgWakeups> {
  const signal = ctx.commitSignal;
  const wakeups = await startPgWakeups({
    url: databaseUrl,
    store: ctx.store,
    logger: ctx.logger,
    // Another process committed events, or left deliveries for any worker.
    onWake: (kinds) => {
      if (kinds.has('events')) signal.emit('eventsCommitted', 'peer');
      if (kinds.has('deliveries')) signal.emit('deliveriesDue', 'peer');
    },
  });
  unlink.push(
    signal.on('eventsCommitted', (origin) => origin === 'local' && wakeups.notify('events')),
    signal.on('deliveriesDue', (origin) => origin === 'local' && wakeups.notify('deliveries')),
  );
  return wakeups;
}
