import { DecoratorHandler, type Dispatcher } from 'undici';

/** Whether the fence stopped a request before its first byte was written. */
export interface FenceOutcome {
  stopped: boolean;
}

/** The error a fenced request fails with (never sent, so never recorded as an attempt). */
export class FencedRequestError extends Error {
  readonly code = 'LH_FENCED';
  constructor() {
    super('fenced: this worker could not prove its lease still holds, so the request was not sent');
  }
}

/**
 * Checks `live()` once more right before the request's first byte is written (undici calls onRequestStart
 * synchronously just before writing): a request that waited for a connection, or was queued as the process froze,
 * is stopped there instead of going out after another worker took its delivery.
 */
class FenceHandler extends DecoratorHandler {
  readonly #live: () => boolean;
  readonly #outcome: FenceOutcome;

  constructor(handler: Dispatcher.DispatchHandler, live: () => boolean, outcome: FenceOutcome) {
    super(handler);
    this.#live = live;
    this.#outcome = outcome;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    // undici's typings declare none of DecoratorHandler's methods: call the parent's through its prototype.
    (DecoratorHandler.prototype as Dispatcher.DispatchHandler).onRequestStart?.call(this, controller, context);
    if (!this.#live() && !controller.aborted) {
      this.#outcome.stopped = true;
      controller.abort(new FencedRequestError());
    }
  }
}

/** `dispatcher` with a fence: a request starts writing only while `live()` holds; `outcome` says if it was stopped. */
export function fencedDispatcher(dispatcher: Dispatcher, live: () => boolean, outcome: FenceOutcome): Dispatcher {
  return dispatcher.compose((dispatch) => (opts, handler) => dispatch(opts, new FenceHandler(handler, live, outcome)));
}
