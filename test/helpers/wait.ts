/** What a wait is for: a fixed text, or one worked out when it times out (e.g. with the state seen last). */
export type WaitDescription = string | (() => string | Promise<string>);

/** How long a wait may take and how often it looks. */
export interface WaitOptions {
  /** Deadline in milliseconds (default 25 s: under the 30 s test timeout, so the wait's message is what fails). */
  timeoutMs?: number;
  /** Pause between looks in milliseconds (default 10). */
  intervalMs?: number;
}

const DEFAULT_TIMEOUT_MS = 25_000;

/** Resolves after `ms` milliseconds. Only for pacing a test's own actions; waits for a state use `waitUntil`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Looks at `probe` until it answers something other than `undefined`, `null` or `false`, and answers that;
 * past the deadline it throws "timed out after N ms waiting for WHAT". A probe that throws fails the wait at once.
 */
export async function waitUntil<T>(
  what: WaitDescription,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      const text = typeof what === 'string' ? what : await what();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${text}`);
    }
    await sleep(intervalMs);
  }
}

/** Rejects with "timed out after N ms waiting for WHAT" unless `promise` settles first. */
export async function withDeadline<T>(what: WaitDescription, promise: Promise<T>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      void (async () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : await what()}`)))();
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
