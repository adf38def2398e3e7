import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Lets the event loop answer other requests before the next slice of a bulk change (an import, delete or label
 * update of thousands of rows): each slice is bounded (one chunk of rows), so no request waits on more than one.
 */
export function yieldToEventLoop(): Promise<void> {
  return nextTurn();
}
