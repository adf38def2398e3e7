import { ValidationError } from '../../errors.js';
import { EVENT_TYPES, isEventType } from '../../events/catalog.js';
import type { BatchSettings } from './webhook-store.js';

/** Largest batch a webhook may ask for, and the longest it may hold a partial batch. */
export const BATCH_LIMITS = { maxSize: 1000, maxWaitMs: 60_000 } as const;

/** Label Studio's old action names (its docs still list them), saved as the names labelhook and Label Studio send. */
export const EVENT_ALIASES: Readonly<Record<string, string>> = {
  TASK_CREATED: 'TASKS_CREATED',
  TASK_DELETED: 'TASKS_DELETED',
  ANNOTATION_DELETED: 'ANNOTATIONS_DELETED',
};

/**
 * Checks an event filter: `["*"]` or known types (an unknown one is a 422; an alias of EVENT_ALIASES is replaced
 * by its type); returns it de-duplicated.
 */
export function normalizeEvents(input: readonly string[]): string[] {
  if (input.length === 0) throw new ValidationError('events must name at least one event type, or be ["*"].', { events: input }, 'invalid_events');
  if (input.includes('*')) return ['*'];
  const events = input.map((e) => (Object.hasOwn(EVENT_ALIASES, e) ? EVENT_ALIASES[e]! : e));
  const unknown = events.filter((e) => !isEventType(e));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`, { unknown, allowed: ['*', ...EVENT_TYPES], aliases: EVENT_ALIASES }, 'unknown_event_type');
  }
  return [...new Set(events)];
}

/** Checks batch settings against BATCH_LIMITS. */
export function validateBatch(batch: BatchSettings | null): BatchSettings | null {
  if (batch === null) return null;
  const { maxSize, maxWaitMs } = batch;
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > BATCH_LIMITS.maxSize) {
    throw new ValidationError(`batch.maxSize must be a whole number from 1 to ${BATCH_LIMITS.maxSize}.`, { maxSize }, 'invalid_batch');
  }
  if (!Number.isInteger(maxWaitMs) || maxWaitMs < 0 || maxWaitMs > BATCH_LIMITS.maxWaitMs) {
    throw new ValidationError(`batch.maxWaitMs must be a whole number from 0 to ${BATCH_LIMITS.maxWaitMs}.`, { maxWaitMs }, 'invalid_batch');
  }
  return { maxSize, maxWaitMs };
}

/** A blocking webhook gates label updates, so it must receive BEFORE_UPDATE_LABELS. */
export function validateBlocking(blocking: boolean, events: readonly string[]): void {
  if (blocking && !events.includes('*') && !events.includes('BEFORE_UPDATE_LABELS')) {
    throw new ValidationError('blocking is only for webhooks subscribed to BEFORE_UPDATE_LABELS.', { events }, 'invalid_blocking');
  }
}

/** Key material a signing secret must carry, in bytes: the Standard Webhooks range for `whsec_` secrets (24 to 64). */
export const SECRET_KEY_BYTES = { min: 24, max: 64 } as const;

/** Longest raw (not `whsec_`) secret accepted, in characters. */
const MAX_RAW_SECRET_LENGTH = 512;

const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

function weakSecret(why: string): ValidationError {
  return new ValidationError(`secret ${why} (omit it to have one generated).`, { minBytes: SECRET_KEY_BYTES.min, maxBytes: SECRET_KEY_BYTES.max }, 'invalid_secret');
}

/**
 * A user-given signing secret. A `whsec_` secret is signed with its base64-decoded bytes, so they must be valid
 * base64 and carry 24 to 64 bytes; any other secret is signed with its UTF-8 bytes, of which it must have at least
 * 24 (printable ASCII without spaces, at most 512). A shorter key is a signature anyone can forge.
 */
export function validateSecret(secret: string): string {
  if (secret.startsWith('whsec_')) {
    const encoded = secret.slice('whsec_'.length);
    if (!CANONICAL_BASE64.test(encoded)) throw weakSecret('after "whsec_" must be standard base64 (A-Z, a-z, 0-9, +, /, = padding)');
    const bytes = Buffer.from(encoded, 'base64').length;
    if (bytes < SECRET_KEY_BYTES.min || bytes > SECRET_KEY_BYTES.max) {
      throw weakSecret(`after "whsec_" must decode to ${SECRET_KEY_BYTES.min} to ${SECRET_KEY_BYTES.max} bytes of key material; it decodes to ${bytes}`);
    }
    return secret;
  }
  if (!/^[\x21-\x7e]+$/.test(secret) || secret.length > MAX_RAW_SECRET_LENGTH) {
    throw weakSecret(`must be printable ASCII characters without spaces, at most ${MAX_RAW_SECRET_LENGTH}`);
  }
  if (secret.length < SECRET_KEY_BYTES.min) {
    throw weakSecret(`must carry at least ${SECRET_KEY_BYTES.min} bytes of key material; it has ${secret.length}`);
  }
  return secret;
}
