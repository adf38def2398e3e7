import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWaker } from '../../src/webhooks/delivery/waker.js';

// Fake timers: what matters is which timer ends the sleep, not how fast anything runs.
describe('createWaker', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  const settled = (p: Promise<void>): { done: boolean } => {
    const state = { done: false };
    void p.then(() => (state.done = true));
    return state;
  };

  it('a wakeAt later than the poll interval does not stretch a sleep already under way', async () => {
    const waker = createWaker(() => Date.now());
    const sleep = settled(waker.wait(50));
    // An open batch due in a minute (the dispatcher reports it while the worker sleeps).
    waker.wakeAt(Date.now() + 60_000);
    await vi.advanceTimersByTimeAsync(50);
    expect(sleep.done).toBe(true);
  });

  it('a wakeAt earlier than the poll interval shortens the sleep', async () => {
    const waker = createWaker(() => Date.now());
    const sleep = settled(waker.wait(10_000));
    waker.wakeAt(Date.now() + 20);
    await vi.advanceTimersByTimeAsync(20);
    expect(sleep.done).toBe(true);
  });

  it('wake ends a sleep at once', async () => {
    const waker = createWaker(() => Date.now());
    const sleep = settled(waker.wait(10_000));
    waker.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(sleep.done).toBe(true);
  });
});
