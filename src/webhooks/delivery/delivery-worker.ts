import type { AppContext } from '../../app-context.js';
import { attemptSample } from '../../metrics/attempt-sample.js';
import { claimDeliveries, nextDueAt } from './delivery-claim.js';
import { retryAfterCap } from './delivery-results.js';
import { createResultFlusher } from './result-flusher.js';
import { releaseLeases, renewLeases } from './leases.js';
import { buildRequest } from '../transport/outgoing-request.js';
import { sendAttempt, type SentAttempt } from '../transport/send-attempt.js';
import { createWaker } from './waker.js';
import type { WebhookRuntime } from '../webhook-runtime.js';
import type { Webhook } from '../admin/webhook-store.js';
import { fencedDispatcher, type FenceOutcome } from '../transport/fence-interceptor.js';
import { startLiveness, workerId } from './worker-liveness.js';
import { createWorkerWebhooks } from './worker-webhooks.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import type { DeliveryAdopter } from '../fanout/dispatcher.js';

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
  /** Takes deliveries the dispatcher created leased to this worker (after their transaction committed). */
  adopt(rows: readonly DeliveryRow[]): void;
  /** New work may be due: claim now. */
  wake(): void;
  /** Something becomes due at `at` (a retry, a batch's maxWaitMs). */
  wakeAt(at: number): void;
  /** Requests in flight right now. */
  inFlight(): number;
  /** Stops claiming, lets in-flight requests finish for up to drainMs, records their results. */
  stop(drainMs: number): Promise<void>;
}

/** The deliveries this worker holds for one webhook: claimed and waiting their turn, and how many are in flight. */
interface HeldWebhook {
  webhook: Webhook;
  queue: DeliveryRow[];
  inFlight: number;
  /** The last claim filled this webhook's share: it probably has more due. */
  more: boolean;
}

/**
 * Starts the delivery loop. Claims take due deliveries per webhook in batches (perWebhookBatch each) into
 * in-memory queues under one lease, renewed while they wait; each webhook's queue feeds up to its concurrency of
 * requests, and a finished request starts the next one from the queue at once, so the database is touched once
 * per batch, not once per delivery. Results are recorded in batches (one transaction per flush). A slow or
 * hanging receiver only holds its own queue; the claim reads every other webhook's due rows by index.
 */
export function startDeliveryWorker(ctx: AppContext, runtime: WebhookRuntime, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const claimBatch = options.claimBatch ?? 2000;
  const perWebhookBatch = options.perWebhookBatch ?? 100;
  const maxHeld = options.maxHeld ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 1000;
  const random = options.random ?? Math.random;
  const { config, logger } = ctx;
  const waker = createWaker(ctx.clock);
  const held = new Map<string, HeldWebhook>();
  // Ids of the deliveries with a request in flight (for lease renewal).
  const sending = new Set<string>();
  // Webhooks whose queue has work and whose concurrency has room, in turn order (a Set keeps insertion order).
  const ready = new Set<string>();
  const webhooks = createWorkerWebhooks(ctx, runtime);
  let total = 0;
  let queued = 0;
  // Deliveries handed over by the dispatcher and not yet in a queue, per webhook (they count against its room).
  const incoming = new Map<string, number>();
  let incomingTotal = 0;
  let stopping = false;
  let closed = false;
  let lastExpiredCheck = 0;
  let drained: (() => void) | null = null;
  const sendOptions = {
    timeoutMs: config.requestTimeoutMs,
    bodyCapBytes: config.responseBodyCapBytes,
    retryAfterCapMs: retryAfterCap(config.retryScheduleMs),
    clock: ctx.clock,
  };

  const liveness = startLiveness(ctx, options.owner ?? workerId(), {
    fenced(oldOwner) {
      // Another worker may have taken all of it: queued deliveries are dropped unsent; the requests still in
      // flight started before the stall (their results are recorded only where the old lease still holds).
      for (const h of held.values()) clearQueue(h);
      for (const [id, h] of held) if (h.inFlight === 0) held.delete(id);
      releaseLeases(ctx.store, oldOwner, ctx.clock()).catch((err: unknown) => logger.error({ err }, 'could not release the leases of a fenced owner id'));
    },
    resumed() {
      waker.wake();
      pump();
    },
  });
  const owner = (): string => liveness.owner();

  const flusher = createResultFlusher(ctx, owner, random, async (report, batch) => {
    if (report.nextRetryAt !== null) waker.wakeAt(report.nextRetryAt);
    // A recorded result frees the next delivery of an ordered line.
    if (batch.some((b) => b.ordered)) waker.wake();
    for (const id of report.disabledWebhooks) {
      logger.warn({ webhookId: id }, 'webhook disabled');
      await dropHeld(id);
    }
  });

  /** How many more deliveries this worker may take on, all webhooks together. */
  const spare = (): number => maxHeld - queued - total - incomingTotal;

  /** Empties a webhook's queue (its in-flight requests go on); answers the ids it held. */
  function clearQueue(h: HeldWebhook): string[] {
    const ids = h.queue.map((d) => d.id);
    queued -= h.queue.length;
    h.queue = [];
    h.more = false;
    ready.delete(h.webhook.id);
    return ids;
  }

  /** Forgets the queued (not started) deliveries of a webhook and gives their leases back. */
  async function dropHeld(webhookId: string): Promise<void> {
    const h = held.get(webhookId);
    if (!h) return;
    const ids = clearQueue(h);
    if (h.inFlight === 0) held.delete(webhookId);
    await releaseLeases(ctx.store, owner(), ctx.clock(), ids);
  }

  /**
   * Queues the rows this worker now leases whose webhook is in `found`, and gives back the others (their webhook
   * was disabled, deleted or cannot be decrypted); answers how many were queued per webhook.
   */
  async function hold(rows: readonly DeliveryRow[], found: Map<string, Webhook>, now: number): Promise<Map<string, number>> {
    const perHook = new Map<string, number>();
    const orphans: string[] = [];
    const current = owner();
    const stale = new Map<string, string[]>();
    for (const row of rows) {
      // Leased under an owner id this worker was fenced out of (claimed or adopted as it stalled): never sent.
      if (row.lease_owner !== current) {
        if (row.lease_owner !== null) stale.set(row.lease_owner, [...(stale.get(row.lease_owner) ?? []), row.id]);
        continue;
      }
      const webhook = found.get(row.webhook_id);
      if (!webhook) {
        orphans.push(row.id);
        continue;
      }
      enqueue(row, webhook);
      perHook.set(row.webhook_id, (perHook.get(row.webhook_id) ?? 0) + 1);
    }
    if (orphans.length > 0) await releaseLeases(ctx.store, current, now, orphans);
    for (const [old, ids] of stale) await releaseLeases(ctx.store, old, now, ids);
    return perHook;
  }

  /** Puts a delivery this worker now holds at the end of its webhook's queue. */
  function enqueue(row: DeliveryRow, webhook: Webhook): void {
    let h = held.get(row.webhook_id);
    if (!h) {
      h = { webhook, queue: [], inFlight: 0, more: false };
      held.set(row.webhook_id, h);
    }
    h.queue.push(row);
    queued += 1;
    markReady(h);
  }

  function markReady(h: HeldWebhook): void {
    // The slots count manual sends (src/webhooks/delivery/webhook-slots.ts) as well as this worker's requests.
    if (h.queue.length > 0 && runtime.slots.inUse(h.webhook.id) < config.webhookConcurrency) ready.add(h.webhook.id);
  }

  /**
   * Starts queued deliveries, webhooks taking turns, while this worker has room for more requests and its
   * heartbeat proves its leases its own (the fence: a clock read per request, no database round trip).
   */
  function pump(): void {
    for (const id of ready) {
      if (stopping || total >= maxInFlight || !liveness.live()) return;
      ready.delete(id);
      const h = held.get(id);
      const delivery = h?.queue.shift();
      if (!h || !delivery) continue;
      queued -= 1;
      start(delivery, h);
      markReady(h);
    }
  }

  function finished(delivery: DeliveryRow, sent: SentAttempt, h: HeldWebhook): void {
    if (closed) return;
    const webhook = h.webhook;
    const sample = ctx.metrics ? attemptSample({ format: webhook.format, delivery, sent, scheduleLength: config.retryScheduleMs.length }) : null;
    const result = { delivery, sent, format: webhook.format, sample, ordered: webhook.ordered };
    const gone = sent.outcome.kind === 'gone';
    if (gone) {
      // The receiver asked not to be called again: send nothing more from the queue. The flush, at once, disables
      // the webhook and cancels what was queued.
      clearQueue(h);
    }
    flusher.push(result, webhook.ordered || gone);
  }

  function start(delivery: DeliveryRow, h: HeldWebhook): void {
    total += 1;
    h.inFlight += 1;
    runtime.slots.hold(h.webhook.id);
    sending.add(delivery.id);
    const webhook = h.webhook;
    const run = async (): Promise<void> => {
      let sent: SentAttempt;
      const fence: FenceOutcome = { stopped: false };
      const dispatcher = liveness.fencing ? fencedDispatcher(runtime.agent(), liveness.live, fence) : runtime.agent();
      try {
        sent = await sendAttempt(dispatcher, buildRequest(webhook, delivery.message_id, delivery.payload, ctx.clock()), sendOptions);
      } catch (err) {
        // Never leave a delivery leased without a result: an ordered line would stall until the lease expired.
        const message = err instanceof Error ? err.message : String(err);
        sent = {
          at: ctx.clock(),
          durationMs: 0,
          request: { url: webhook.url, headers: {}, body: delivery.payload, loggedHeaders: {} },
          responseStatus: null,
          responseHeaders: null,
          responseBody: null,
          error: `internal_error: ${message}`.slice(0, 1000),
          outcome: { kind: 'retry', reason: 'internal_error' },
        };
      }
      // Stopped by the fence before a byte went out: not an attempt. Give the lease back if it is still ours.
      if (fence.stopped) await releaseLeases(ctx.store, delivery.lease_owner ?? owner(), ctx.clock(), [delivery.id]);
      else finished(delivery, sent, h);
    };
    run()
      .catch((err: unknown) => logger.error({ err, deliveryId: delivery.id }, 'delivery attempt failed unexpectedly; its lease will expire and it will be retried'))
      .finally(() => {
        total -= 1;
        h.inFlight -= 1;
        runtime.slots.release(h.webhook.id);
        sending.delete(delivery.id);
        if (total === 0) drained?.();
        if (stopping) return;
        markReady(h);
        // Refill a webhook running low whose last claim suggests it has more due.
        if (h.more && h.queue.length < perWebhookBatch) waker.wake();
        if (h.queue.length === 0 && h.inFlight === 0 && held.get(h.webhook.id) === h) held.delete(h.webhook.id);
        pump();
      });
  }

  /** Claims due deliveries into the webhooks' queues; answers whether claiming again at once may find more. */
  async function claim(): Promise<'more' | 'some' | 'none'> {
    const room = Math.min(claimBatch, spare());
    if (room <= 0) return 'some';
    const now = ctx.clock();
    // Expired leases only come from a crashed worker: looking for them once a second is plenty.
    const includeExpired = now - lastExpiredCheck >= Math.min(1000, config.leaseMs);
    if (includeExpired) lastExpiredCheck = now;
    const exclude = webhooks.unusable(now);
    for (const [id, h] of held) if (h.queue.length >= perWebhookBatch) exclude.push(id);
    const rows = await claimDeliveries(ctx.store, { now, owner: owner(), leaseMs: config.leaseMs, limit: room, perWebhook: perWebhookBatch, exclude, includeExpired });
    // Every claim also re-reads the webhooks this worker holds work for: a disabled, deleted or edited webhook's
    // queue is dropped or picks up the new settings within one claim.
    const ids = new Set(rows.map((r) => r.webhook_id));
    for (const [id, h] of held) if (h.queue.length > 0) ids.add(id);
    const current = ids.size > 0 ? await webhooks.load([...ids]) : new Map<string, Webhook>();
    for (const [id, h] of held) {
      const latest = current.get(id);
      if (latest) h.webhook = latest;
      else if (h.queue.length > 0) await dropHeld(id);
    }
    for (const [id, n] of await hold(rows, current, now)) held.get(id)!.more = n >= perWebhookBatch;
    pump();
    if (rows.length === 0) return 'none';
    return rows.length >= room && spare() > 0 ? 'more' : 'some';
  }

  const adopter: DeliveryAdopter = {
    get owner() {
      return owner();
    },
    leaseMs: config.leaseMs,
    room(webhookId) {
      if (stopping || !liveness.live() || webhooks.isUnusable(webhookId)) return 0;
      const h = held.get(webhookId);
      const holding = (h ? h.queue.length + h.inFlight : 0) + (incoming.get(webhookId) ?? 0);
      return Math.max(0, Math.min(perWebhookBatch - holding, spare()));
    },
  };

  async function adopt(rows: readonly DeliveryRow[]): Promise<void> {
    for (const r of rows) incoming.set(r.webhook_id, (incoming.get(r.webhook_id) ?? 0) + 1);
    incomingTotal += rows.length;
    const settle = (): void => {
      for (const r of rows) {
        const n = (incoming.get(r.webhook_id) ?? 1) - 1;
        if (n <= 0) incoming.delete(r.webhook_id);
        else incoming.set(r.webhook_id, n);
      }
      incomingTotal -= rows.length;
    };
    let found: Map<string, Webhook>;
    try {
      found = await webhooks.recent([...new Set(rows.map((r) => r.webhook_id))]);
    } catch (err) {
      settle();
      // They stay leased to this worker, unrenewed: they come due again when the lease runs out.
      logger.error({ err }, 'could not take over new deliveries; they are claimed again when their lease expires');
      return;
    }
    settle();
    // A stopping worker gives back every lease it holds once its drain is over, these included.
    if (stopping) return;
    await hold(rows, found, ctx.clock());
    pump();
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        // A worker not proven alive (not yet registered, or stalled) claims nothing: it could not send it. The
        // heartbeat wakes the loop once a beat proves it alive.
        const outcome = liveness.live() ? await claim() : 'some';
        if (outcome === 'more') continue;
        // Retries and batches this process schedules wake it by themselves; this finds the rest (another
        // process's retries, expiring leases) when there was nothing to claim now.
        if (outcome === 'none') {
          const due = await nextDueAt(ctx.store, ctx.clock());
          if (due !== null) waker.wakeAt(due);
        }
      } catch (err) {
        if (stopping) break;
        logger.error({ err }, 'delivery claim failed; retrying after the poll interval');
      }
      if (stopping) break;
      await waker.wait(config.pollIntervalMs);
      // Let responses already in the socket buffers run their callbacks first, so one claim refills every
      // queue they ran low instead of one claim per finished request.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  // Deliveries can wait in a queue longer than one lease (behind a slow receiver): renew while any are held.
  const renewal = setInterval(
    () => {
      if (closed || (total === 0 && queued === 0)) return;
      const ids = [...sending];
      for (const h of held.values()) for (const d of h.queue) ids.push(d.id);
      renewLeases(ctx.store, owner(), ids, ctx.clock(), config.leaseMs).catch((err: unknown) => logger.error({ err }, 'could not renew delivery leases'));
    },
    Math.max(50, Math.floor(config.leaseMs / 3)),
  );
  renewal.unref();

  const running = loop();
  ctx.metrics?.setLocalInFlight(() => total);
  // A manual send freed a slot that a queued delivery of that webhook may be waiting for.
  const stopSlots = runtime.slots.onManualRelease((id) => {
    const h = held.get(id);
    if (!h || stopping) return;
    markReady(h);
    pump();
  });

  return {
    adopter,
    adopt(rows) {
      if (rows.length > 0) void adopt(rows);
    },
    wake: () => waker.wake(),
    wakeAt: (at) => waker.wakeAt(at),
    inFlight: () => total,
    async stop(drainMs) {
      stopping = true;
      waker.wake();
      await running;
      if (total > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            drained = resolve;
          }),
          new Promise((resolve) => setTimeout(resolve, drainMs).unref()),
        ]);
      }
      await flusher.drain();
      // Requests still running now are abandoned (their results would come too late to record).
      const abandoned = total;
      closed = true;
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
