import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import { chunked } from '../domain/chunked.js';
import { attemptSample } from '../metrics/attempt-sample.js';
import type { AttemptSample } from '../metrics/metrics.js';
import { claimDeliveries, nextDueAt } from './delivery-claim.js';
import { retryAfterCap, writeResults, type FinishedAttempt } from './delivery-results.js';
import { logAttempts } from './attempt-logging.js';
import { releaseLeases } from './lease-release.js';
import { buildRequest } from './outgoing-request.js';
import { sendAttempt, type SentAttempt } from './send-attempt.js';
import { createWaker } from './waker.js';
import type { WebhookRuntime } from './webhook-runtime.js';
import { decodeWebhook, type Webhook } from './webhook-store.js';
import type { DeliveryRow } from './webhook-views.js';

export interface DeliveryWorkerOptions {
  /** Lease owner id; unique per process by default. */
  owner?: string;
  /** Most deliveries taken per claim. */
  claimBatch?: number;
  /** Most requests in flight in this worker, all webhooks together. */
  maxInFlight?: number;
  /** Jitter source for retry delays. */
  random?: () => number;
}

/** A running delivery worker. */
export interface DeliveryWorker {
  /** New work may be due: claim now. */
  wake(): void;
  /** Something becomes due at `at` (a retry, a batch's maxWaitMs). */
  wakeAt(at: number): void;
  /** Requests in flight right now. */
  inFlight(): number;
  /** Stops claiming, lets in-flight requests finish for up to drainMs, records their results. */
  stop(drainMs: number): Promise<void>;
}

/** A lease owner id naming this process: host, pid and a random suffix. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Starts the delivery loop: claim due deliveries in batches, start every request without awaiting it (a slow
 * receiver never holds up the next claim), keep each webhook within its concurrency limit, and record results
 * in batches (one transaction per flush, however many attempts finished meanwhile).
 */
export function startDeliveryWorker(ctx: AppContext, runtime: WebhookRuntime, options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const owner = options.owner ?? workerId();
  const claimBatch = options.claimBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 1000;
  const random = options.random ?? Math.random;
  const { config, logger } = ctx;
  const waker = createWaker(ctx.clock);
  const perWebhook = new Map<string, number>();
  const cache = new Map<string, { updatedAt: number; webhook: Webhook }>();
  let total = 0;
  let stopping = false;
  let closed = false;
  const results: (FinishedAttempt & { delivery: DeliveryRow; format: string; sample: AttemptSample | null; ordered: boolean })[] = [];
  let lastExpiredCheck = 0;
  let flushing: Promise<void> | null = null;
  let drained: (() => void) | null = null;
  const sendOptions = {
    timeoutMs: config.requestTimeoutMs,
    bodyCapBytes: config.responseBodyCapBytes,
    retryAfterCapMs: retryAfterCap(config.retryScheduleMs),
    clock: ctx.clock,
  };

  async function loadWebhooks(ids: string[]): Promise<Map<string, Webhook>> {
    const out = new Map<string, Webhook>();
    for (const part of chunked(ids)) {
      const rows = await ctx.store.db.selectFrom('webhooks').selectAll().where('id', 'in', part).execute();
      for (const row of rows) {
        const hit = cache.get(row.id);
        // Decrypt once per webhook version, not once per delivery.
        if (hit && hit.updatedAt === Number(row.updated_at)) {
          out.set(row.id, hit.webhook);
          continue;
        }
        let webhook: Webhook;
        try {
          webhook = decodeWebhook(row, runtime.box);
        } catch (err) {
          // One undecryptable webhook (a changed LABELHOOK_SECRET_KEY) must not stall the others claimed with it:
          // its deliveries stay leased and come back when the lease expires.
          logger.error({ err, webhookId: row.id }, 'cannot decrypt webhook secrets; its deliveries wait');
          continue;
        }
        cache.set(row.id, { updatedAt: Number(row.updated_at), webhook });
        out.set(row.id, webhook);
      }
    }
    return out;
  }

  async function flushResults(): Promise<void> {
    while (results.length > 0 && !closed) {
      const batch = results.splice(0, 500);
      try {
        const report = await writeResults(ctx, owner, batch, random);
        ctx.metrics?.recordAttempts(batch.flatMap((b) => (b.sample ? [b.sample] : [])));
        logAttempts(logger, batch, config.retryScheduleMs.length);
        if (report.nextRetryAt !== null) waker.wakeAt(report.nextRetryAt);
        // A recorded result frees the next delivery of an ordered line; an unordered webhook's freed slot has
        // already woken the loop when its request finished.
        if (batch.some((b) => b.ordered)) waker.wake();
        for (const id of report.disabledWebhooks) logger.warn({ webhookId: id }, 'webhook disabled');
      } catch (err) {
        if (closed) return;
        // The database hiccuped: keep the results (the leases still hold the deliveries) and try again shortly.
        logger.error({ err }, 'could not record delivery results; retrying');
        results.unshift(...batch);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  function scheduleFlush(): void {
    flushing ??= flushResults().finally(() => {
      flushing = null;
      if (results.length > 0) scheduleFlush();
    });
  }

  function finished(delivery: DeliveryRow, sent: SentAttempt, webhook: Webhook): void {
    if (closed) return;
    const sample = ctx.metrics ? attemptSample({ format: webhook.format, delivery, sent, scheduleLength: config.retryScheduleMs.length }) : null;
    results.push({ delivery, sent, format: webhook.format, sample, ordered: webhook.ordered });
    scheduleFlush();
  }

  function start(delivery: DeliveryRow, webhook: Webhook): void {
    total += 1;
    perWebhook.set(webhook.id, (perWebhook.get(webhook.id) ?? 0) + 1);
    const run = async (): Promise<void> => {
      let sent: SentAttempt;
      try {
        sent = await sendAttempt(runtime.agent(), buildRequest(webhook, delivery.message_id, delivery.payload, ctx.clock()), sendOptions);
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
      finished(delivery, sent, webhook);
    };
    run()
      .catch((err: unknown) => logger.error({ err, deliveryId: delivery.id }, 'delivery attempt failed unexpectedly; its lease will expire and it will be retried'))
      .finally(() => {
        total -= 1;
        const n = (perWebhook.get(webhook.id) ?? 1) - 1;
        if (n <= 0) perWebhook.delete(webhook.id);
        else perWebhook.set(webhook.id, n);
        if (total === 0) drained?.();
        waker.wake();
      });
  }

  // True while the next claim is the re-claim that follows a claim which filled a webhook.
  let reclaiming = false;

  /** Claims and starts due deliveries; answers whether claiming again at once may find more. */
  async function claimAndStart(): Promise<boolean> {
    const capacity = maxInFlight - total;
    if (capacity <= 0) return false;
    const now = ctx.clock();
    const limit = Math.min(capacity, claimBatch);
    // Expired leases only come from a crashed worker: looking for them once a second is plenty.
    const includeExpired = now - lastExpiredCheck >= Math.min(1000, config.leaseMs);
    if (includeExpired) lastExpiredCheck = now;
    const saturatedBefore = [...perWebhook.values()].filter((n) => n >= config.webhookConcurrency).length;
    const rows = await claimDeliveries(ctx.store, {
      now,
      owner,
      leaseMs: config.leaseMs,
      limit,
      perWebhookLimit: config.webhookConcurrency,
      inFlight: perWebhook,
      includeExpired,
      // The re-claim right after a claim filled a webhook reads only the first due rows (that webhook's backlog would
      // otherwise be read in full for nothing, after every refill); every other claim walks everything, so a healthy
      // webhook behind a saturated one's backlog is found as soon as one of its requests finishes.
      fullScan: !reclaiming || includeExpired,
    });
    reclaiming = false;
    if (rows.length === 0) return false;
    const webhooks = await loadWebhooks([...new Set(rows.map((r) => r.webhook_id))]);
    for (const row of rows) {
      const webhook = webhooks.get(row.webhook_id);
      // Deleted between claim and load: its deliveries went with it.
      if (webhook) start(row, webhook);
    }
    // A short claim took everything claimable, unless it just filled a webhook: then the next claim excludes
    // that webhook in SQL and may reach other webhooks' deliveries behind its backlog.
    const saturatedAfter = [...perWebhook.values()].filter((n) => n >= config.webhookConcurrency).length;
    reclaiming = rows.length < limit && saturatedAfter > saturatedBefore;
    return rows.length === limit || reclaiming;
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        if (await claimAndStart()) continue;
        const due = await nextDueAt(ctx.store, ctx.clock());
        if (due !== null) waker.wakeAt(due);
      } catch (err) {
        if (stopping) break;
        logger.error({ err }, 'delivery claim failed; retrying after the poll interval');
      }
      if (stopping) break;
      await waker.wait(config.pollIntervalMs);
      // Let responses already in the socket buffers run their callbacks first, so one claim refills every slot
      // they freed instead of one claim transaction per finished request.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const running = loop();
  ctx.metrics?.setLocalInFlight(() => total);

  return {
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
      while (flushing || results.length > 0) {
        if (!flushing) scheduleFlush();
        await flushing;
      }
      closed = true;
      ctx.metrics?.setLocalInFlight(null);
      // Requests still running past the drain are abandoned: release their leases so they go out again at once.
      try {
        const released = await releaseLeases(ctx.store, owner, ctx.clock());
        if (released > 0) logger.warn({ released }, 'drain timeout: released the leases of unfinished deliveries');
      } catch (err) {
        logger.error({ err }, 'could not release leases; they come due again when they expire');
      }
    },
  };
}
