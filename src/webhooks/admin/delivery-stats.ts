import { sql } from 'kysely';
import type { AppContext } from '../../app-context.js';
import { requireAdmin } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { idBoundAt } from '../../ids.js';
import { findWebhookRow } from './webhook-store.js';

/** The charts' windows: the last hour in one-minute buckets, the last day in 15-minute buckets. */
export const STATS_WINDOWS = {
  hour: { spanMs: 3_600_000, bucketMs: 60_000 },
  day: { spanMs: 86_400_000, bucketMs: 900_000 },
} as const;

export type StatsWindow = keyof typeof STATS_WINDOWS;

/** One bucket of attempts: how they ended and how long they took. */
export interface StatsBucket {
  /** Bucket start, epoch ms. */
  t: number;
  /** Attempts the receiver accepted (2xx). */
  succeeded: number;
  /** Failed attempts after which the delivery gave up (permanent failure or retries spent). */
  failed: number;
  /** Failed attempts that will be (or were) tried again. */
  retrying: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface DeliveryStats {
  window: StatsWindow;
  bucketMs: number;
  from: number;
  to: number;
  webhookId: string | null;
  buckets: StatsBucket[];
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Attempts per bucket by outcome and attempt latency p50/p99 over a window, for one webhook or the whole
 * team. Counts are grouped in SQL; latencies come back as one small integer per attempt, sorted by the
 * database, so the percentiles need no dialect-specific function.
 */
export async function deliveryStats(ctx: AppContext, p: Principal, q: { window: StatsWindow; webhookId?: string }): Promise<DeliveryStats> {
  requireAdmin(p, 'read delivery statistics');
  if (q.webhookId) await findWebhookRow(ctx.store.db, p.teamId, q.webhookId);
  const { spanMs, bucketMs } = STATS_WINDOWS[q.window];
  const to = Math.floor(ctx.clock() / bucketMs) * bucketMs + bucketMs;
  const from = to - spanMs;
  const bucket = sql<number>`cast(a.at / ${sql.lit(bucketMs)} as bigint) * ${sql.lit(bucketMs)}`;
  // An attempt "failed" when the delivery gave up on it: a permanent outcome, or the last attempt of a delivery that ended failed.
  const gaveUp = sql<boolean>`(a.outcome = 'permanent' or (d.status in ('failed', 'cancelled') and a.attempt_no >= d.attempt_count))`;
  let base = ctx.store.db
    .selectFrom('attempts as a')
    .innerJoin('deliveries as d', 'd.id', 'a.delivery_id')
    .where('a.team_id', '=', p.teamId)
    .where('a.at', '>=', from)
    .where('a.at', '<', to)
    // An attempt's id starts with its `at` (attemptRow): the window is a range of the primary key (migration 011).
    .where('a.id', '>=', idBoundAt('att', from))
    .where('a.id', '<', idBoundAt('att', to));
  if (q.webhookId) base = base.where('a.webhook_id', '=', q.webhookId);

  const counts = await base
    .select([
      bucket.as('t'),
      sql<number>`sum(case when a.outcome = 'ok' then 1 else 0 end)`.as('succeeded'),
      sql<number>`sum(case when a.outcome <> 'ok' and ${gaveUp} then 1 else 0 end)`.as('failed'),
      sql<number>`sum(case when a.outcome <> 'ok' and not ${gaveUp} then 1 else 0 end)`.as('retrying'),
    ])
    .groupBy(sql`1`)
    .execute();
  const durations = await base.select([bucket.as('t'), 'a.duration_ms as ms']).orderBy(sql`1`).orderBy('a.duration_ms').execute();

  const byBucket = new Map<number, number[]>();
  for (const r of durations) {
    const t = Number(r.t);
    let list = byBucket.get(t);
    if (!list) byBucket.set(t, (list = []));
    list.push(Number(r.ms));
  }
  const countOf = new Map(counts.map((c) => [Number(c.t), c]));
  const buckets: StatsBucket[] = [];
  for (let t = from; t < to; t += bucketMs) {
    const c = countOf.get(t);
    const ms = byBucket.get(t) ?? [];
    buckets.push({
      t,
      succeeded: Number(c?.succeeded ?? 0),
      failed: Number(c?.failed ?? 0),
      retrying: Number(c?.retrying ?? 0),
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
    });
  }
  return { window: q.window, bucketMs, from, to, webhookId: q.webhookId ?? null, buckets };
}

/** Each webhook's attempts over the last day and the share that succeeded: the webhook list's health column. */
export interface WebhookHealth {
  webhookId: string;
  succeeded: number;
  failed: number;
  total: number;
  /** succeeded / total, null without attempts. */
  successRate: number | null;
}

/** Success rate of every webhook of the team that had attempts in the last `spanMs`. */
export async function webhookHealth(ctx: AppContext, p: Principal, spanMs = STATS_WINDOWS.day.spanMs): Promise<WebhookHealth[]> {
  requireAdmin(p, 'read delivery statistics');
  // Per webhook of the team, each one's recent attempts: a range of attempts_at (webhook_id, at) each, however many
  // attempts the team made before the window.
  const rows = await ctx.store.db
    .selectFrom('webhooks as w')
    .innerJoin('attempts as a', 'a.webhook_id', 'w.id')
    .where('w.team_id', '=', p.teamId)
    .where('a.at', '>=', ctx.clock() - spanMs)
    .select(['w.id as webhook_id', sql<number>`sum(case when a.outcome = 'ok' then 1 else 0 end)`.as('succeeded'), sql<number>`count(*)`.as('total')])
    .groupBy('w.id')
    .orderBy('w.id')
    .execute();
  return rows.map((r) => {
    const succeeded = Number(r.succeeded);
    const total = Number(r.total);
    return { webhookId: r.webhook_id, succeeded, failed: total - succeeded, total, successRate: total > 0 ? succeeded / total : null };
  });
}
