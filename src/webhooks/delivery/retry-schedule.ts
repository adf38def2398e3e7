/** How far a retry delay may stray from the schedule either way: spreads retries so endpoints that failed together do not get hit together. */
export const RETRY_JITTER = 0.2;

/**
 * The delay before the next attempt, or null when the schedule is spent and the delivery fails.
 * `attemptNo` counts attempts made so far (1 after the first try); `random` returns [0, 1) like Math.random.
 */
export function nextRetryDelay(options: { attemptNo: number; scheduleMs: number[]; random: () => number }): number | null {
  const { attemptNo, scheduleMs, random } = options;
  if (!Number.isInteger(attemptNo) || attemptNo < 1) {
    throw new RangeError(`attemptNo must be a whole number ≥ 1 (attempts made so far), got ${attemptNo}.`);
  }
  const base = scheduleMs[attemptNo - 1];
  if (base === undefined) return null;
  // Clamp the injected random so a misbehaving source cannot push the jitter past ±20%.
  const r = Math.min(Math.max(random(), 0), 1);
  const factor = 1 + (r * 2 - 1) * RETRY_JITTER;
  return Math.max(0, Math.round(Math.max(0, base) * factor));
}
