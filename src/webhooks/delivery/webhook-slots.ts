import { ConflictError } from '../../errors.js';

/**
 * The per-webhook concurrency of one process (LABELHOOK_WEBHOOK_CONCURRENCY), shared by the delivery worker and
 * manual sends (test sends, redeliveries), so a burst of manual sends cannot put more requests in flight to a
 * receiver than the documented limit, on top of the worker's.
 */
export interface WebhookSlots {
  /** Most requests in flight to one webhook at once. */
  readonly limit: number;
  /** Requests in flight to `webhookId` right now (worker and manual sends). */
  inUse(webhookId: string): number;
  /** The worker starts a request: it checked `inUse` < `limit` itself, so this never waits. */
  hold(webhookId: string): void;
  /** The worker's request finished. */
  release(webhookId: string): void;
  /** A manual send waits (first come, first served) for a free slot, at most `waitMs`; answers the function that frees it. */
  acquire(webhookId: string, waitMs: number): Promise<() => void>;
  /** Called when a manual send frees a slot (the worker may start a queued delivery); answers the unsubscribe function. */
  onManualRelease(listener: (webhookId: string) => void): () => void;
}

/** 409 `webhook_busy`: every slot stayed taken while the manual send waited. */
function busy(webhookId: string, limit: number, waitMs: number): ConflictError {
  return new ConflictError(
    `Webhook ${webhookId} already has ${limit} requests in flight (its concurrency) and none finished within ${waitMs} ms; try again.`,
    { webhookId, limit },
    'webhook_busy',
  );
}

/** New, empty slots with `limit` per webhook. */
export function createWebhookSlots(limit: number): WebhookSlots {
  const used = new Map<string, number>();
  const waiters = new Map<string, (() => void)[]>();
  const listeners = new Set<(webhookId: string) => void>();

  const take = (id: string): void => {
    used.set(id, (used.get(id) ?? 0) + 1);
  };
  const give = (id: string): void => {
    const n = (used.get(id) ?? 1) - 1;
    if (n <= 0) used.delete(id);
    else used.set(id, n);
    // A freed slot goes to the longest-waiting manual send first.
    const queue = waiters.get(id);
    const next = queue?.shift();
    if (queue && queue.length === 0) waiters.delete(id);
    next?.();
  };
  const inUse = (id: string): number => used.get(id) ?? 0;

  return {
    limit,
    inUse,
    hold: take,
    release: give,
    acquire(id, waitMs) {
      const granted = (): (() => void) => {
        take(id);
        let freed = false;
        return () => {
          if (freed) return;
          freed = true;
          give(id);
          for (const listener of listeners) listener(id);
        };
      };
      if (inUse(id) < limit && !waiters.has(id)) return Promise.resolve(granted());
      return new Promise((resolve, reject) => {
        const wake = (): void => {
          if (inUse(id) >= limit) return enqueue(); // the worker took the slot first: wait for the next one
          clearTimeout(timer);
          resolve(granted());
        };
        const enqueue = (): void => {
          const queue = waiters.get(id) ?? [];
          queue.push(wake);
          waiters.set(id, queue);
        };
        const timer = setTimeout(() => {
          const queue = waiters.get(id);
          const at = queue?.indexOf(wake) ?? -1;
          if (queue && at >= 0) queue.splice(at, 1);
          if (queue?.length === 0) waiters.delete(id);
          reject(busy(id, limit, waitMs));
        }, waitMs);
        enqueue();
      });
    },
    onManualRelease(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
