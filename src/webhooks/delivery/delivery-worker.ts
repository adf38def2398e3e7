import type { AppContext } from '../../app-context.js';
import type { DeliveryAdopter } from '../fanout/dispatcher.js';
import type { Webhook } from '../admin/webhook-store.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import type { WebhookRuntime } from '../webhook-runtime.js';
import { createClaimStage } from './claim-stage.js';
import { nextDueAt } from './delivery-claim.js';
import { DeliveryQueue, type StartedDelivery } from './delivery-queue.js';
import { releaseLeases, renewLeases } from './leases.js';
import { dropWebhook, queueRows } from './queue-stage.js';
import { attemptResult } from './record-stage.js';
import { createResultFlusher } from './result-flusher.js';
import { sendDelivery } from './send-stage.js';
import { createWaker } from './waker.js';
import { startLiveness, workerId } from './worker-liveness.js';
import { createWorkerWebhooks } from './worker-webhooks.js';

export interface DeliveryWorkerOptions {
  /** Lease owner id; unique per process by default. */
  owner?: string;
  /** Most deliveries taken per claim, all webhooks together. */
  claimBatch?: number;
  /** Deliveries claimed per webhook at a time; a webhook is refilled once fewer than this many wait in its queue. */
  perWebhookBatch?: number;
  /** Most deliveries held (queued and in flight) by this worker, all webhooks together. */
  maxHeld?: number;
  /** Most requests in flight in this worker, all webhooks together. */
  maxInFlight?: number;
  /** Jitter source for retry delays. */
  random?: () => number;
}

/** A running delivery worker. */
export interface DeliveryWorker {
  /** What the dispatcher of this process asks before creating deliveries already leased to this worker. */
  adopter: DeliveryAdopter;
  /**
   * Takes deliveries the dispatcher created leased to this worker (after their transaction committed); `versions`:
   * the webhook versions the dispatcher read, so a cached webhook of the same version is used without a read.
   */
  adopt(rows: readonly DeliveryRow[], versions?: ReadonlyMap<string, number>): void;
  /** New work may be due: claim now. */
  wake(): void;
  /** Something becomes due at `at` (a retry, a batch's maxWaitMs). */
  wakeAt(at: number): void;
  /** Requests in flight right now. */
  inFlight(): number;
  /** Stops claiming, lets in-flight requests finish for up to drainMs, records their results. */
  stop(drainMs: number): Promise<void>;
}

/**
 * Starts the delivery loop, wiring the stages claim → queue → send → record (docs/architecture.md, "Delivery").
 * Claims take due deliveries per webhook in batches into the in-memory queues of a DeliveryQueue under one lease,
 * renewed while they wait; each webhook's queue feeds up to its concurrency of requests, and a finished request
 * starts the next one at once, so the database is touched once per batch, not once per delivery. Results are
 * recorded in batches (one transaction per flush).
 */
export function startDeliveryWorker(ctx: AppContext, runtime: WebhookRuntime, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const limits = {
    claimBatch: options.claimBatch ?? 2000,
    perWebhookBatch: options.perWebhookBatch ?? 100,
    maxHeld: options.maxHeld ?? ctx.config.workerMaxHeld,
    maxInFlight: options.maxInFlight ?? ctx.config.workerMaxInFlight,
  };
  const random = options.random ?? Math.random;
  const { config, logger } = ctx;
  const queue = new DeliveryQueue(limits, runtime.slots);
  const waker = createWaker(ctx.clock);
  const webhooks = createWorkerWebhooks(ctx, runtime);
  const sender = runtime.sender;

  const liveness = startLiveness(ctx, options.owner ?? workerId(), {
    fenced(oldOwner) {
      // Another worker may have taken all of it: queued deliveries are dropped unsent; the requests still in
      // flight started before the stall (their results are recorded only where the old lease still holds).
      queue.dropAll();
      releaseLeases(ctx.store, oldOwner, ctx.clock()).catch((err: unknown) => logger.error({ err }, 'could not release the leases of a fenced owner id'));
    },
    resumed() {
      waker.wake();
      pump();
    },
  });
  const owner = (): string => liveness.owner();
  const claimStage = createClaimStage(ctx, queue, webhooks, owner, limits.perWebhookBatch);

  const flusher = createResultFlusher(ctx, owner, async (report, batch) => {
    if (report.nextRetryAt !== null) waker.wakeAt(report.nextRetryAt);
    // A recorded result frees the next delivery of an ordered line.
    if (batch.some((b) => b.ordered)) waker.wake();
    for (const id of report.disabledWebhooks) {
      logger.warn({ webhookId: id }, 'webhook disabled');
      await dropWebhook(ctx, queue, id, owner());
    }
  });

  /**
   * Starts queued deliveries while the queue has room for more requests and the heartbeat proves this worker's
   * leases its own (the fence: a clock read per request, no database round trip).
   */
  function pump(): void {
    while (liveness.live()) {
      const started = queue.take();
      if (!started) return;
      void run(started);
    }
  }

  /** Send, then record: one request from start to its result. */
  async function run(started: StartedDelivery): Promise<void> {
    const { delivery, lane } = started;
    try {
      const sent = await sendDelivery(ctx, sender, liveness, lane.webhook, delivery);
      if (sent && queue.state !== 'stopped') {
        const result = attemptResult(ctx, lane.webhook, delivery, sent, random);
        // 410: the receiver asked not to be called again. Nothing more goes out from its queue; the flush, at once,
        // disables the webhook and cancels what was queued.
        const gone = sent.outcome.kind === 'gone';
        if (gone) queue.halt(started);
        flusher.push(result, result.ordered || gone);
      }
    } catch (err) {
      logger.error({ err, deliveryId: delivery.id }, 'delivery attempt failed unexpectedly; its lease will expire and it will be retried');
    }
    // Refill a webhook running low whose last claim suggests it has more due.
    if (queue.finish(started)) waker.wake();
    pump();
  }

  async function adopt(rows: readonly DeliveryRow[], versions?: ReadonlyMap<string, number>): Promise<void> {
    queue.expect(rows);
    let found: Map<string, Webhook>;
    try {
      found = await webhooks.recent([...new Set(rows.map((r) => r.webhook_id))], versions);
    } catch (err) {
      // They stay leased to this worker, unrenewed: they come due again when the lease runs out.
      logger.error({ err }, 'could not take over new deliveries; they are claimed again when their lease expires');
      return;
    } finally {
      queue.settle(rows);
    }
    // A stopping worker gives back every lease it holds once its drain is over, these included.
    if (!queue.open) return;
    await queueRows(ctx, queue, rows, found, owner(), false);
    pump();
  }

  async function loop(): Promise<void> {
    while (queue.open) {
      try {
        // A worker not proven alive (not yet registered, or stalled) claims nothing: it could not send it. The
        // heartbeat wakes the loop once a beat proves it alive.
        const outcome = liveness.live() ? await claimStage.claim() : 'some';
        pump();
        if (outcome === 'more') continue;
        // Retries and batches this process schedules wake it by themselves; this finds the rest (another
        // process's retries, expiring leases) when there was nothing to claim now.
        if (outcome === 'none') {
          const due = await nextDueAt(ctx.store, ctx.clock());
          if (due !== null) waker.wakeAt(due);
        }
      } catch (err) {
        if (!queue.open) break;
        logger.error({ err }, 'delivery claim failed; retrying after the poll interval');
      }
      if (!queue.open) break;
      await waker.wait(config.pollIntervalMs);
      // Let responses already in the socket buffers run their callbacks first, so one claim refills every
      // queue they ran low instead of one claim per finished request.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  // Deliveries can wait in a queue longer than one lease (behind a slow receiver): renew while any are held.
  const renewal = setInterval(
    () => {
      const ids = queue.state === 'stopped' ? [] : queue.heldIds();
      if (ids.length === 0) return;
      renewLeases(ctx.store, owner(), ids, ctx.clock(), config.leaseMs).catch((err: unknown) => logger.error({ err }, 'could not renew delivery leases'));
    },
    Math.max(50, Math.floor(config.leaseMs / 3)),
  );
  renewal.unref();

  const running = loop();
  ctx.metrics?.setLocalInFlight(() => queue.inFlight);
  // A manual send freed a slot that a queued delivery of that webhook may be waiting for.
  const stopSlots = runtime.slots.onManualRelease((id) => {
    queue.slotFreed(id);
    pump();
  });

  const adopter: DeliveryAdopter = {
    get owner() {
      return owner();
    },
    leaseMs: config.leaseMs,
    // Where the concurrency is counted across workers, the fan-out pass also bounds this by the claim's rule.
    room: (webhookId) => (!liveness.live() || webhooks.isUnusable(webhookId) ? 0 : queue.room(webhookId)),
  };

  return {
    adopter,
    adopt(rows, versions) {
      if (rows.length > 0) void adopt(rows, versions);
    },
    wake: () => waker.wake(),
    wakeAt: (at) => waker.wakeAt(at),
    inFlight: () => queue.inFlight,
    async stop(drainMs) {
      queue.drain();
      waker.wake();
      await running;
      if (queue.inFlight > 0) await Promise.race([queue.whenIdle(), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
      await flusher.drain();
      // Requests still running now are abandoned (their results would come too late to record).
      const abandoned = queue.inFlight;
      queue.stop();
      flusher.close();
      clearInterval(renewal);
      stopSlots();
      ctx.metrics?.setLocalInFlight(null);
      // Queued deliveries never started, and requests still running past the drain, are given back so they go
      // out again at once instead of after the lease expires.
      try {
        const released = await releaseLeases(ctx.store, owner(), ctx.clock());
        if (abandoned > 0) logger.warn({ released: abandoned }, 'drain timeout: released the leases of unfinished deliveries');
        if (released > abandoned) logger.info({ released: released - abandoned }, 'released the leases of queued deliveries not yet sent');
      } catch (err) {
        logger.error({ err }, 'could not release leases; they come due again when they expire');
      }
      await liveness.stop();
    },
  };
}
