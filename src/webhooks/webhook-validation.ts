import { ValidationError } from '../errors.js';
import { EVENT_TYPES, isEventType } from '../events/catalog.js';
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

/** A user-given signing secret: printable, no whitespace, long enough to be a secret at all. */
export function validateSecret(secret: string): string {
  if (secret.length < 6 || secret.length > 512 || !/^[\x21-\x7e]+$/.test(secret)) {
    throw new ValidationError('secret must be 6 to 512 printable characters without spaces (omit it to have one generated).', null, 'invalid_secret');
  }
  return secret;
}
