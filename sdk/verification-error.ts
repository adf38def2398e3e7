/** Why a webhook request failed verification; stable values receivers can match on. */
export type VerificationFailureReason = 'missing_header' | 'bad_signature' | 'timestamp_expired' | 'malformed';

/** Thrown by `verifyWebhook` when a request is not an authentic, fresh labelhook delivery. */
export class WebhookVerificationError extends Error {
  readonly reason: VerificationFailureReason;
  /** Stable code in labelhook's style, e.g. `webhook_bad_signature`. */
  readonly code: string;

  constructor(reason: VerificationFailureReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
    this.code = `webhook_${reason}`;
  }
}
