import type { AppContext } from '../app-context.js';
import { startDeliveryWorker, type DeliveryWorkerOptions } from './delivery/delivery-worker.js';
import { startDispatchLoop } from './fanout/dispatch-loop.js';
import { createLabelGate } from './gate.js';
import { startRetention } from './delivery/retention.js';
import { startExportRunner } from '../export/export-runner.js';
import type { ResolveAll } from './transport/ssrf-guard.js';
import { webhookRuntime } from './webhook-runtime.js';

export interface EngineOptions {
  /** Run the dispatcher and delivery workers here (false: API-only process, only the gate). */
  worker: boolean;
  /** Resolver for webhook hosts (tests inject one; the system resolver otherwise). */
  lookup?: ResolveAll;
  workerOptions?: DeliveryWorkerOptions;
  /** Fan-out created deliveries any worker may take (scale-out announces it to the other processes). */
  onWork?: () => void;
}

/** The running webhook engine of one process. */
export interface Engine {
  /** Wakes the dispatcher and the workers (another process announced events or deliveries). */
  wake(): void;
  /** Stops fan-out and claiming, drains in-flight requests (up to config.drainTimeoutMs), closes the HTTP pool. */
  stop(): Promise<void>;
}

/**
 * Starts the webhook engine on `ctx`: installs the label gate, and with `worker` the dispatcher, the delivery
 * worker and attempt retention; commits in this process wake it at once, polling covers other processes.
 * Resolves the secret key first, so a missing LABELHOOK_SECRET_KEY fails start-up with a clear message.
 */
export function startEngine(ctx: AppContext, options: EngineOptions): Engine {
  const runtime = webhookRuntime(ctx, options.lookup);
  const previousGate = ctx.labelGate;
  ctx.labelGate = createLabelGate(ctx, runtime);
  if (!options.worker) {
    return {
      wake: () => undefined,
      stop: async () => {
        ctx.labelGate = previousGate;
        await runtime.close();
      },
    };
  }
  const worker = startDeliveryWorker(ctx, runtime, options.workerOptions);
  const dispatch = startDispatchLoop(
    ctx,
    (report) => {
      worker.adopt(report.adopted);
      // Deliveries the worker did not take wait for a claim: by this worker, or (scale-out) any other.
      if (report.deliveries > report.adopted.length) {
        worker.wake();
        options.onWork?.();
      }
      if (report.nextBatchDueAt !== null) worker.wakeAt(report.nextBatchDueAt);
    },
    worker.adopter,
  );
  const retention = startRetention(ctx);
  // Export files are made next to delivery: API-only processes stay light (docs/export.md "Export jobs").
  const exportRunner = startExportRunner(ctx);
  const wake = (): void => {
    dispatch.wake();
    worker.wake();
  };
  // A local commit only gives the dispatcher work; the worker hears from the dispatcher (adopted deliveries, or
  // a wake when it left some for claiming). Waking the worker on every commit cost a claim per API call.
  const committed = (): void => dispatch.wake();
  // Subscribe to the commit signal when the app has one; otherwise chain onto eventsCommitted.
  const previousCommitted = ctx.eventsCommitted;
  let unsubscribe: () => void;
  if (ctx.commitSignal) {
    unsubscribe = ctx.commitSignal.subscribe(committed);
  } else {
    ctx.eventsCommitted = () => {
      previousCommitted();
      committed();
    };
    unsubscribe = () => {
      ctx.eventsCommitted = previousCommitted;
    };
  }
  let stopped: Promise<void> | null = null;
  return {
    wake,
    stop() {
      stopped ??= (async () => {
        unsubscribe();
        await dispatch.stop();
        await worker.stop(ctx.config.drainTimeoutMs);
        await retention.stop();
        await exportRunner.stop();
        ctx.labelGate = previousGate;
        await runtime.close();
      })();
      return stopped;
    },
  };
}
