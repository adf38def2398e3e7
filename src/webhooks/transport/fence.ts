/**
 * A worker's fence on one request (PostgreSQL): `live()` is asked once more right before the request's first byte is
 * written (undici calls the handler's onConnect synchronously just before writing), so a request that waited for a
 * connection, or was queued as the process froze, is stopped there instead of going out after another worker took
 * its delivery. `stopped` tells the caller it was.
 */
export interface Fence {
  readonly live: () => boolean;
  stopped: boolean;
}

/** The error a fenced request fails with (never sent, so never recorded as an attempt). */
export class FencedRequestError extends Error {
  readonly code = 'LH_FENCED';
  constructor() {
    super('fenced: this worker could not prove its lease still holds, so the request was not sent');
  }
}
