import type { Logger } from 'pino';
import { attemptSample } from '../../metrics/attempt-sample.js';
import type { SentAttempt } from '../transport/send-attempt.js';
import type { DeliveryRow } from '../admin/webhook-views.js';

/** One recorded attempt as the log needs it. */
export interface LoggedAttempt {
  delivery: Pick<DeliveryRow, 'id' | 'webhook_id' | 'message_id' | 'event_ids' | 'attempt_count' | 'schedule_start'>;
  sent: SentAttempt;
  format: string;
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
export function logAttempts(logger: Logger, items: readonly LoggedAttempt[], scheduleLength: number): void {
  const debug = logger.isLevelEnabled('debug');
  for (const { delivery, sent, format } of items) {
    const sample = attemptSample({ format, delivery, sent, scheduleLength });
    if (!debug && sample.final !== 'failed') continue;
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
    if (sample.final === 'failed') logger.warn(fields, 'delivery failed for good');
    else logger.debug(fields, sample.final === 'succeeded' ? 'delivery succeeded' : 'delivery attempt failed; will retry');
  }
}
