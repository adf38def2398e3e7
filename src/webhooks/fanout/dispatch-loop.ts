import type { AppContext } from '../../app-context.js';
import { DISPATCH_BATCH, dispatchOnce, type DeliveryAdopter, type DispatchReport } from './dispatcher.js';
import { createWaker } from '../delivery/waker.js';

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
  let stopping = false;
  const loop = async (): Promise<void> => {
    while (!stopping) {
      try {
        const report = await dispatchOnce(ctx, DISPATCH_BATCH, adopter);
        if (report.events > 0 || report.nextBatchDueAt !== null) onDispatched(report);
        if (report.events === DISPATCH_BATCH || report.more) continue;
      } catch (err) {
        if (stopping) break;
        ctx.logger.error({ err }, 'dispatch failed; retrying after the poll interval');
      }
      if (stopping) break;
      await waker.wait(ctx.config.pollIntervalMs);
    }
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
