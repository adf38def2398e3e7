import { describe, expect, it } from 'vitest';
import { nextRetryDelay } from '../../src/webhooks/delivery/retry-schedule.js';

// docs/webhooks.md default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first try.
const DEFAULT_SCHEDULE = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
const middle = (): number => 0.5; // no jitter
const lowest = (): number => 0; // -20%
const highest = (): number => 0.999999; // just under +20%

describe('nextRetryDelay', () => {
  it.each([
    [1, 5_000],
    [2, 300_000],
    [3, 1_800_000],
    [4, 7_200_000],
    [5, 18_000_000],
    [6, 36_000_000],
    [7, 36_000_000],
  ])('after attempt %i waits the scheduled %i ms when the jitter is neutral', (attemptNo, expected) => {
    expect(nextRetryDelay({ attemptNo, scheduleMs: DEFAULT_SCHEDULE, random: middle })).toBe(expected);
  });

  it('gives up (null) once every scheduled retry has been made', () => {
    expect(nextRetryDelay({ attemptNo: 8, scheduleMs: DEFAULT_SCHEDULE, random: middle })).toBeNull();
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: [], random: middle })).toBeNull();
  });

  it.each([
    ['lowest', lowest, 4_000],
    ['neutral', middle, 5_000],
    ['highest', highest, 6_000],
    ['a quarter', () => 0.25, 4_500],
  ])('jitters within ±20%% (%s random)', (_name, random, expected) => {
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: DEFAULT_SCHEDULE, random })).toBe(expected);
  });

  it('works in milliseconds for tests (LABELHOOK_RETRY_SCHEDULE=50ms,100ms)', () => {
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: [50, 100], random: lowest })).toBe(40);
    expect(nextRetryDelay({ attemptNo: 2, scheduleMs: [50, 100], random: highest })).toBe(120);
    expect(nextRetryDelay({ attemptNo: 3, scheduleMs: [50, 100], random: middle })).toBeNull();
  });

  it('never returns a negative delay, whatever the schedule or the random source', () => {
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: [0], random: lowest })).toBe(0);
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: [-100], random: highest })).toBe(0);
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: [1000], random: () => -5 })).toBe(800);
    expect(nextRetryDelay({ attemptNo: 1, scheduleMs: [1000], random: () => 7 })).toBe(1200);
  });

  it('refuses an attempt count below 1', () => {
    expect(() => nextRetryDelay({ attemptNo: 0, scheduleMs: [1000], random: middle })).toThrow(RangeError);
    expect(() => nextRetryDelay({ attemptNo: 1.5, scheduleMs: [1000], random: middle })).toThrow(RangeError);
  });
});
