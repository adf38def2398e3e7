import type { AppContext } from '../../app-context.js';
import { attemptSample } from '../../metrics/attempt-sample.js';
import type { Webhook } from '../admin/webhook-store.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import type { SentAttempt } from '../transport/send-attempt.js';
import { decideAttempt } from './outcome.js';
import type { WorkerResult } from './result-flusher.js';

/**
 * The record stage's input: decides what the attempt means for its delivery (once, here: the results writer,
 * the log and the metrics all read this verdict) and builds the result the flusher records.
 */
export function attemptResult(ctx: AppContext, webhook: Webhook, delivery: DeliveryRow, sent: SentAttempt, random: () => number): WorkerResult {
  const verdict = decideAttempt(sent.outcome, delivery.attempt_count + 1 - delivery.schedule_start, ctx.config.retryScheduleMs, random);
  const sample = ctx.metrics ? attemptSample({ format: webhook.format, delivery, sent, final: verdict.final }) : null;
  return { delivery, sent, verdict, sample, ordered: webhook.ordered };
}
