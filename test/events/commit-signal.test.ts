import { setImmediate as nextCheck } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createCommitSignal } from '../../src/events/commit-signal.js';

describe('commit signal', () => {
  it('wakes every listener once for all the notifies of one turn of the event loop, and again for a later one', async () => {
    const signal = createCommitSignal();
    let a = 0;
    let b = 0;
    signal.subscribe(() => void (a += 1));
    signal.subscribe(() => void (b += 1));
    signal.notify();
    signal.notify();
    signal.notify();
    expect(a).toBe(0);
    await nextCheck();
    expect([a, b]).toEqual([1, 1]);
    signal.notify();
    await nextCheck();
    expect([a, b]).toEqual([2, 2]);
  });

  it('keeps waking the others when a listener throws, and stops waking a listener that unsubscribed', async () => {
    const signal = createCommitSignal();
    let woken = 0;
    signal.subscribe(() => {
      throw new Error('listener fault');
    });
    const off = signal.subscribe(() => void (woken += 1));
    expect(() => signal.notify()).not.toThrow();
    await nextCheck();
    expect(woken).toBe(1);
    off();
    expect(signal.listenerCount()).toBe(1);
    signal.notify();
    await nextCheck();
    expect(woken).toBe(1);
  });
});
