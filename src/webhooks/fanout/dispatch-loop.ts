import type { AppContext } from '../../app-context.js';
import { DISPATCH_BATCH, dispatchOnce, type DeliveryAdopter, type DispatchReport } from './dispatcher.js';
import { createWaker } from '../delivery/waker.js';
import { holdConnection } from './held-connection.js';

/** A running fan-out loop. */
export interface DispatchLoop {
  /** Events were committed: fan them out now. */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Runs dispatch passes whenever woken (a commit in this process) and every poll interval (commits by other
 * processes), back to back while full batches keep coming (or a pass left events behind). `onDispatched` hears of every pass that did work.
 */
export function startDispatchLoop(ctx: AppContext, onDispatched: (report: DispatchReport) => void, adopter?: DeliveryAdopter): DispatchLoop {
  const waker = createWaker(ctx.clock);
  // With a shared pool (PostgreSQL) the passes keep a connection of their own: every event's latency includes
  // about two passes, and a pass queued behind API transactions for a connection delayed all of its events.
  const held = ctx.store.capabilities.pooledConnections ? holdConnection(ctx.store.db) : null;
  let stopping = false;
  let retried = false;
  const loop = async (): Promise<void> => {
    while (!stopping) {
      try {
        const db = held ? await held.db() : ctx.store.db;
        const report = await dispatchOnce(ctx, DISPATCH_BATCH, adopter, db);
        retried = false;
        if (report.events > 0 || report.nextBatchDueAt !== null) onDispatched(report);
        if (report.events === DISPATCH_BATCH || report.more) continue;
      } catch (err) {
        // A broken connection goes back to the pool, which drops it; the next pass takes another.
        held?.release();
        if (stopping) break;
        // The held connection may have died while idle (idle_session_timeout, a restart): once, at once, on another.
        if (held && !retried) {
          retried = true;
          continue;
        }
        ctx.logger.error({ err }, 'dispatch failed; retrying after the poll interval');
      }
      if (stopping) break;
      await waker.wait(ctx.config.pollIntervalMs);
    }
    held?.release();
  };
  const running = loop();
  return {
    wake: () => waker.wake(),
    async stop() {
      stopping = true;
      waker.wake();
      await running;
    },
  };
}
