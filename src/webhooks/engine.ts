import type { AppContext } from '../app-context.js';
import { startDeliveryWorker, type DeliveryWorkerOptions } from './delivery/delivery-worker.js';
import { startDispatchLoop } from './fanout/dispatch-loop.js';
import { startRetention } from './delivery/retention.js';
import { startExportRunner } from '../export/export-runner.js';

export interface EngineOptions {
  workerOptions?: DeliveryWorkerOptions;
}

/** The running webhook engine of one process. */
export interface Engine {
  /** Stops fan-out and claiming, drains in-flight requests (up to config.drainTimeoutMs). */
  stop(): Promise<void>;
}

/**
 * Starts the dispatcher, the delivery worker, attempt retention and the export runner on `ctx` (a delivering
 * process; the label gate is part of every context already). They listen on the commit signal: committed events
 * wake the dispatcher, deliveries due now wake the worker, from this process or (PostgreSQL) another one.
 */
export function startEngine(ctx: AppContext, options: EngineOptions = {}): Engine {
  const worker = startDeliveryWorker(ctx, ctx.webhooks, options.workerOptions);
  const dispatch = startDispatchLoop(
    ctx,
    (report) => {
      worker.adopt(report.adopted, report.webhookVersions);
      // Deliveries the worker did not take wait for a claim: by this worker, or (scale-out) any other.
      if (report.deliveries > report.adopted.length) ctx.commitSignal.emit('deliveriesDue');
      if (report.nextBatchDueAt !== null) worker.wakeAt(report.nextBatchDueAt);
    },
    worker.adopter,
  );
  const retention = startRetention(ctx);
  // Export files are made next to delivery: API-only processes stay light (docs/export.md "Export jobs").
  const exportRunner = startExportRunner(ctx);
  // Committed events only give the dispatcher work; the worker hears from the dispatcher (adopted deliveries, or
  // deliveriesDue when it left some for claiming). Waking the worker on every commit cost a claim per API call.
  const unsubscribe = [
    ctx.commitSignal.on('eventsCommitted', () => dispatch.wake()),
    ctx.commitSignal.on('deliveriesDue', () => worker.wake()),
  ];
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        for (const off of unsubscribe) off();
        await dispatch.stop();
        await worker.stop(ctx.config.drainTimeoutMs);
        await retention.stop();
        await exportRunner.stop();
      })();
      return stopped;
    },
  };
}
