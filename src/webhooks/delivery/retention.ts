import type { AppContext } from '../../app-context.js';
import { idBoundAt } from '../../ids.js';

/** Attempts pruned per statement: small enough that a prune never holds the database for long. */
export const PRUNE_BATCH = 1000;

/**
 * Clears the response bodies and headers (and any stored request body) of attempts older than
 * config.attemptRetentionMs, PRUNE_BATCH rows at a time; the attempt rows themselves stay (status, timing and
 * error remain in the delivery log, and the request body is the delivery's payload).
 * Returns how many attempts were pruned.
 */
export async function pruneAttemptBodies(ctx: AppContext, maxBatches = 100): Promise<number> {
  const cutoff = ctx.clock() - ctx.config.attemptRetentionMs;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const ids = ctx.store.db
      .selectFrom('attempts')
      .select('id')
      // An attempt's id starts with its `at` (attemptRow): the time range is a range of the primary key, and needs no
      // index of its own on `at` that every attempt insert would pay for.
      .where('id', '<', idBoundAt('att', cutoff))
      .where('at', '<', cutoff)
      .where((eb) => eb.or([eb('request_body', 'is not', null), eb('response_body', 'is not', null), eb('response_headers', 'is not', null)]))
      .limit(PRUNE_BATCH);
    const res = await ctx.store.db
      .updateTable('attempts')
      .set({ request_body: null, response_body: null, response_headers: null })
      .where('id', 'in', ids)
      .executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    total += n;
    if (n < PRUNE_BATCH) break;
  }
  return total;
}

/** Prunes periodically until stopped. */
export function startRetention(ctx: AppContext, everyMs = 10 * 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    running = pruneAttemptBodies(ctx).catch((err: unknown) => ctx.logger.error({ err }, 'pruning attempt bodies failed'));
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
