import type { Transaction } from 'kysely';
import type { AppContext } from '../../app-context.js';
import { chunked } from '../../domain/chunked.js';
import { newId } from '../../ids.js';
import type { AttemptTable, DatabaseSchema, DeliveryTable } from '../../store/schema.js';
import type { AttemptVerdict, DeliveryOutcome } from './outcome.js';
import type { SentAttempt } from '../transport/send-attempt.js';
import { clearFailingSince, disableAndCancel, disableLongFailing, existingDeliveryIds, insertAttempts, markFailingSince, recordAttemptState, recordSucceeded } from '../../store/queue/results.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import { recordSucceededAtOnce } from '../../store/queue/results-at-once.js';

/** One finished attempt of a claimed delivery, waiting to be recorded. */
export interface FinishedAttempt {
  delivery: Pick<DeliveryRow, 'id' | 'team_id' | 'webhook_id' | 'attempt_count'>;
  sent: SentAttempt;
  /** What the attempt means for the delivery, decided when it finished (decideAttempt). */
  verdict: AttemptVerdict;
}

/** What a batch of results changed that the worker must react to. */
export interface ResultsReport {
  /** Earliest retry scheduled by this batch. */
  nextRetryAt: number | null;
  /** Webhooks disabled by this batch (410 or auto-disable). */
  disabledWebhooks: string[];
}

/** A duration for people: `5 days`, `2 hours`, `30 minutes`, `45 seconds`, `200 ms`. */
export function humanDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/** The attempt log's word for an outcome. */
export function attemptOutcomeLabel(outcome: DeliveryOutcome): AttemptTable['outcome'] {
  if (outcome.kind === 'ok') return 'ok';
  if (outcome.kind === 'gone') return 'permanent';
  return 'retryable';
}

/** The attempt row of a finished attempt. */
export function attemptRow(delivery: Pick<DeliveryRow, 'id' | 'team_id' | 'webhook_id'>, sent: SentAttempt, attemptNo: number): AttemptTable {
  return {
    id: newId('att', sent.at),
    team_id: delivery.team_id,
    delivery_id: delivery.id,
    webhook_id: delivery.webhook_id,
    attempt_no: attemptNo,
    at: sent.at,
    request_url: sent.request.url,
    request_headers: JSON.stringify(sent.request.loggedHeaders),
    // Every attempt sends the delivery's payload (stable across retries): the log shows it from there instead of
    // writing a second copy per attempt.
    request_body: null,
    response_status: sent.responseStatus,
    response_headers: sent.responseHeaders === null ? null : JSON.stringify(sent.responseHeaders),
    response_body: sent.responseBody,
    duration_ms: sent.durationMs,
    error: sent.error,
    outcome: attemptOutcomeLabel(sent.outcome),
  };
}

/** A one-line summary of why an attempt failed, for deliveries.last_error. */
export function failureSummary(sent: SentAttempt): string | null {
  if (sent.outcome.kind === 'ok') return null;
  if (sent.error) return sent.error;
  if (sent.outcome.kind === 'gone') return 'gone: the receiver answered 410';
  return sent.outcome.reason;
}

type Decision = Pick<DeliveryTable, 'status' | 'next_attempt_at' | 'completed_at'>;

/** The delivery's next state from its attempt's verdict; a retry is timed from `now`, when it is recorded. */
function nextState(verdict: AttemptVerdict, now: number): Decision {
  if (verdict.final === null) return { status: 'pending', next_attempt_at: now + verdict.retryInMs, completed_at: null };
  return { status: verdict.final, next_attempt_at: now, completed_at: now };
}

const GONE_REASON = 'The receiver answered 410 Gone: it asked not to be called again. Re-enable the webhook to resume.';

/** Tracks each webhook's failure streak and disables one that failed every attempt for autoDisableAfterMs. */
async function updateStreaks(trx: Transaction<DatabaseSchema>, ctx: AppContext, items: FinishedAttempt[], now: number): Promise<string[]> {
  const last = new Map<string, FinishedAttempt>();
  for (const item of items) last.set(item.delivery.webhook_id, item);
  const healthy: string[] = [];
  const failing: string[] = [];
  for (const [id, item] of last) (item.sent.outcome.kind === 'ok' ? healthy : failing).push(id);
  if (healthy.length > 0) await clearFailingSince(trx, healthy);
  if (failing.length === 0) return [];
  await markFailingSince(trx, failing, now);
  const reason = `Auto-disabled: every attempt failed for ${humanDuration(ctx.config.autoDisableAfterMs)} or more. Fix the receiver and re-enable the webhook; pending deliveries resume.`;
  return disableLongFailing(trx, failing, now - ctx.config.autoDisableAfterMs, reason, now);
}

/** The webhooks whose receiver answered 410 in this batch (none, nearly always: no array per delivery then). */
function goneWebhooks(items: readonly FinishedAttempt[]): string[] {
  const ids = new Set<string>();
  for (const i of items) if (i.sent.outcome.kind === 'gone') ids.add(i.delivery.webhook_id);
  return [...ids];
}

/** The earliest retry a batch schedules (a retry is timed from `now`), null when none. */
function earliestRetry(items: readonly FinishedAttempt[], now: number): number | null {
  let at: number | null = null;
  for (const { verdict } of items) if (verdict.final === null) at = Math.min(at ?? Infinity, now + verdict.retryInMs);
  return at;
}

/**
 * Where each statement is a round trip (PostgreSQL), a batch whose attempts all succeeded with one status is
 * recorded in one statement (src/store/queue/results-at-once.ts): it writes what the transaction below would.
 * Answers null where that does not apply, or when a delivery is gone with its webhook (the statement then changed
 * nothing): the transaction records the batch.
 */
async function writeAllSucceeded(ctx: AppContext, owner: string, items: FinishedAttempt[]): Promise<ResultsReport | null> {
  const status = items[0]!.sent.responseStatus;
  if (!ctx.store.capabilities.statementsAreRoundTrips || status === null) return null;
  if (!items.every((i) => i.verdict.final === 'succeeded' && i.sent.responseStatus === status)) return null;
  const deliveryIds = items.map((i) => i.delivery.id);
  if (new Set(deliveryIds).size !== deliveryIds.length) return null;
  const recorded = await recordSucceededAtOnce(ctx.store.db, {
    owner,
    attempts: items.map((i) => attemptRow(i.delivery, i.sent, i.delivery.attempt_count + 1)),
    deliveryIds,
    status,
    webhookIds: [...new Set(items.map((i) => i.delivery.webhook_id))],
    now: ctx.clock(),
  });
  return recorded === null ? null : { nextRetryAt: null, disabledWebhooks: [] };
}

/**
 * Writes each delivery's next state (succeeded ones grouped per status code into one update), if this worker
 * still leases it. Answers the ids whose update matched nothing: leased again elsewhere (a lost lease), or gone
 * with their webhook; every other one exists.
 */
async function writeStates(trx: Transaction<DatabaseSchema>, owner: string, items: readonly FinishedAttempt[], now: number): Promise<string[]> {
  const unmatched: string[] = [];
  const succeededByStatus = new Map<number, string[]>();
  for (const item of items) {
    const status = item.sent.responseStatus;
    // The common case allocates nothing per delivery: its id joins its status code's list.
    if (item.verdict.final === 'succeeded' && status !== null) {
      const ids = succeededByStatus.get(status);
      if (ids) ids.push(item.delivery.id);
      else succeededByStatus.set(status, [item.delivery.id]);
      continue;
    }
    const state = { ...nextState(item.verdict, now), last_status: status, last_error: failureSummary(item.sent) };
    if (!(await recordAttemptState(trx, owner, item.delivery.id, state, now))) unmatched.push(item.delivery.id);
  }
  for (const [status, ids] of succeededByStatus) {
    for (const part of chunked(ids)) {
      // Fewer rows than ids (a lost lease, a deleted delivery, an id twice): which ones is asked afterwards.
      if ((await recordSucceeded(trx, owner, part, status, now)) < part.length) unmatched.push(...part);
    }
  }
  return unmatched;
}

/**
 * Records a batch of finished attempts in ONE transaction: each delivery's next state, the attempt rows
 * (multi-row insert), 410s (disable + cancel) and failure streaks. Updates only deliveries this worker still leases,
 * so a delivery re-claimed after a lost lease is not overwritten with stale state (its attempt is still logged).
 * The states go first: an update that matched proves its delivery exists (on PostgreSQL it also holds the row until
 * commit, so a concurrent webhook delete cannot take it before its attempt row is in), and only the unmatched are
 * looked up. The statements are in src/store/queue/results.ts.
 */
export async function writeResults(ctx: AppContext, owner: string, items: FinishedAttempt[]): Promise<ResultsReport> {
  if (items.length === 0) return { nextRetryAt: null, disabledWebhooks: [] };
  const atOnce = await writeAllSucceeded(ctx, owner, items);
  if (atOnce) return atOnce;
  return ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const unmatched = await writeStates(trx, owner, items, now);
    let live = items;
    if (unmatched.length > 0) {
      const existing = new Set<string>();
      for (const part of chunked([...new Set(unmatched)])) for (const id of await existingDeliveryIds(trx, part)) existing.add(id);
      // A webhook deleted mid-attempt took its deliveries with it: nothing left to record.
      const deleted = new Set(unmatched.filter((id) => !existing.has(id)));
      if (deleted.size > 0) live = items.filter((i) => !deleted.has(i.delivery.id));
    }
    const attempts = live.map((i) => attemptRow(i.delivery, i.sent, i.delivery.attempt_count + 1));
    for (const part of chunked(attempts)) await insertAttempts(trx, part);
    const gone = goneWebhooks(live);
    if (gone.length > 0) await disableAndCancel(trx, gone, owner, GONE_REASON, now);
    const autoDisabled = await updateStreaks(trx, ctx, live, now);
    return { nextRetryAt: earliestRetry(live, now), disabledWebhooks: [...gone, ...autoDisabled] };
  });
}
