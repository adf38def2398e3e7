import type { Logger } from 'pino';
import type { AttemptVerdict } from './outcome.js';
import type { SentAttempt } from '../transport/send-attempt.js';
import type { DeliveryRow } from '../admin/webhook-views.js';

/** One recorded attempt as the log needs it. */
export interface LoggedAttempt {
  delivery: Pick<DeliveryRow, 'id' | 'webhook_id' | 'message_id' | 'event_ids' | 'attempt_count'>;
  sent: SentAttempt;
  verdict: AttemptVerdict;
}

function eventIdsOf(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

/**
 * Logs a recorded batch of attempts with the delivery, webhook, message and event ids on every line: each attempt
 * at debug, and a delivery that failed for good at warn (operators want those without turning on debug).
 */
export function logAttempts(logger: Logger, items: readonly LoggedAttempt[]): void {
  const debug = logger.isLevelEnabled('debug');
  for (const { delivery, sent, verdict } of items) {
    const final = verdict.final;
    if (!debug && final !== 'failed') continue;
    const fields = {
      deliveryId: delivery.id,
      webhookId: delivery.webhook_id,
      messageId: delivery.message_id,
      eventIds: eventIdsOf(delivery.event_ids),
      attempt: delivery.attempt_count + 1,
      outcome: sent.outcome.kind,
      status: sent.responseStatus,
      durationMs: sent.durationMs,
      ...(sent.error ? { error: sent.error } : {}),
    };
    if (final === 'failed') logger.warn(fields, 'delivery failed for good');
    else logger.debug(fields, final === 'succeeded' ? 'delivery succeeded' : 'delivery attempt failed; will retry');
  }
}
