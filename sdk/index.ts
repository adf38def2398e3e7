// labelhook/sdk: verify labelhook webhook requests and type their bodies. node:crypto only, no server code.
export { verifyWebhook } from './verify.js';
export type { IncomingHeaders, VerifyWebhookOptions } from './verify.js';
export { WebhookVerificationError } from './verification-error.js';
export type { VerificationFailureReason } from './verification-error.js';
export { datasaurSignature, standardSignature } from './signature.js';
export { EVENT_TYPES } from './event-types.js';
export { webhookPart } from './parts.js';
export type * from './types.js';
