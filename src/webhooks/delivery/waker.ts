/** Lets a background loop sleep until it is woken, a scheduled time comes, or a poll interval passes. */
export interface Waker {
  /** Wakes the loop now (or makes its next wait return at once). */
  wake(): void;
  /** Makes the loop's wait end no later than `at` (epoch ms). */
  wakeAt(at: number): void;
  /** Sleeps up to `maxMs`, less when woken or a wakeAt time comes first. */
  wait(maxMs: number): Promise<void>;
}

/** A new waker on the clock `now`. */
export function createWaker(now: () => number): Waker {
  let woken = false;
  let resolveWait: (() => void) | null = null;
  let scheduled: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  // When the current sleep ends (null while awake): a later wakeAt must not stretch it past the poll interval.
  let sleepUntil: number | null = null;
  const wake = (): void => {
    woken = true;
    resolveWait?.();
  };
  return {
    wake,
    wakeAt(at) {
      if (scheduled === null || at < scheduled) {
        scheduled = at;
        // A loop already asleep must shorten its sleep, not only the next one.
        if (resolveWait && sleepUntil !== null && at < sleepUntil) {
          if (timer) clearTimeout(timer);
          sleepUntil = at;
          timer = setTimeout(wake, Math.max(0, at - now()));
        }
      }
    },
    async wait(maxMs) {
      if (woken) {
        woken = false;
        return;
      }
      const t = now();
      if (scheduled !== null && scheduled <= t) {
        scheduled = null;
        return;
      }
      const until = scheduled === null ? t + maxMs : Math.min(t + maxMs, scheduled);
      sleepUntil = until;
      await new Promise<void>((resolve) => {
        resolveWait = resolve;
        timer = setTimeout(resolve, Math.max(0, until - t));
      });
      if (timer) clearTimeout(timer);
      timer = null;
      resolveWait = null;
      sleepUntil = null;
      woken = false;
      if (scheduled !== null && scheduled <= now()) scheduled = null;
    },
  };
}
