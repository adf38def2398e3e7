import { util, type Dispatcher } from 'undici';
import { BodyCollector } from './capped-body.js';
import { FencedRequestError, type Fence } from './fence.js';

/** Flattens undici's raw response headers ([name, value, ...] as bytes): lower-case names, repeated ones joined by ', '. */
function flattenRawHeaders(raw: readonly (Buffer | string)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = util.headerNameToString(raw[i]!);
    const value = raw[i + 1]!.toString('latin1');
    if (Object.hasOwn(out, name)) out[name] += `, ${value}`;
    // A receiver may name a header __proto__: a plain assignment would change the object's prototype instead.
    else if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, configurable: true, writable: true });
    else out[name] = value;
  }
  return out;
}

/** The reason of an attempt our own deadline ended: the same error AbortSignal.timeout() gives. */
function deadlineError(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/**
 * The undici handler of one attempt: no stream, no async iterator, one promise. It resolves with itself exactly once,
 * at the first of: the last body byte, an error, the body crossing the cap (then the request is aborted so the rest
 * is never read), or the whole-request deadline (one timer, connect to last byte; the request is aborted too, or,
 * when it is still waiting for a connection, stopped at onConnect before its first byte). It implements undici 7's
 * legacy handler methods because its core calls exactly those: the newer controller API is an adapter over them.
 */
export class AttemptHandler implements Dispatcher.DispatchHandler {
  /** The response status (2xx-5xx, informational ones skipped), null when none arrived. */
  status: number | null = null;
  headers: Record<string, string> | null = null;
  /** The body up to the cap; null when it could not be read whole (error or deadline mid-body). */
  body: string | null = null;
  /** What ended the attempt early (undici's, the socket's, the fence's or the deadline's error), null otherwise. */
  error: unknown = null;
  /** True when our deadline ended it. */
  timedOut = false;
  readonly #collector: BodyCollector;
  readonly #fence: Fence | undefined;
  readonly #resolve: (handler: AttemptHandler) => void;
  readonly #timer: NodeJS.Timeout;
  #abort: ((err?: Error) => void) | null = null;
  #settled = false;

  constructor(capBytes: number, timeoutMs: number, fence: Fence | undefined, resolve: (handler: AttemptHandler) => void) {
    this.#collector = new BodyCollector(capBytes);
    this.#fence = fence;
    this.#resolve = resolve;
    // Unref'd like AbortSignal.timeout(): a pending attempt's deadline alone does not keep the process alive.
    this.#timer = setTimeout(AttemptHandler.#expire, timeoutMs, this).unref();
  }

  static #expire(this: void, handler: AttemptHandler): void {
    if (handler.#settled) return;
    handler.timedOut = true;
    handler.error = deadlineError();
    handler.body = null;
    handler.#settle();
    handler.#abort?.(handler.error as Error);
  }

  #settle(): void {
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#resolve(this);
  }

  onConnect(abort: (err?: Error) => void): void {
    // The deadline passed while the request waited for its connection: it must not go out late.
    if (this.#settled) {
      abort(this.error instanceof Error ? this.error : deadlineError());
      return;
    }
    const fence = this.#fence;
    if (fence !== undefined && !fence.live()) {
      fence.stopped = true;
      abort(new FencedRequestError());
      return;
    }
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx informational answers (103 Early Hints) precede the real one.
    if (statusCode < 200 || this.#settled) return true;
    this.status = statusCode;
    this.headers = flattenRawHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled) return true;
    if (!this.#collector.push(chunk)) {
      // Over the cap: keep what fits and hang up, so the rest of the body is never downloaded.
      this.body = this.#collector.result().text;
      this.#settle();
      this.#abort?.();
    }
    return true;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.body = this.#collector.result().text;
    this.#settle();
  }

  onError(err: Error): void {
    // After settling, this is our own abort (cap or deadline) coming back, or a late socket error: already decided.
    if (this.#settled) return;
    this.error = err;
    this.#settle();
  }
}
