import { setImmediate as nextCheck } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createCommitSignal, type CommitOrigin } from '../../src/events/commit-signal.js';

describe('commit signal', () => {
  it('wakes every listener once for all the notifies of one turn of the event loop, and again for a later one', async () => {
    const signal = createCommitSignal();
    let a = 0;
    let b = 0;
    signal.on('eventsCommitted', () => void (a += 1));
    signal.on('eventsCommitted', () => void (b += 1));
    signal.emit('eventsCommitted');
    signal.emit('eventsCommitted');
    signal.emit('eventsCommitted');
    expect(a).toBe(0);
    await nextCheck();
    expect([a, b]).toEqual([1, 1]);
    signal.emit('eventsCommitted');
    await nextCheck();
    expect([a, b]).toEqual([2, 2]);
  });

  it('keeps waking the others when a listener throws, and stops waking a listener that unsubscribed', async () => {
    const signal = createCommitSignal();
    let woken = 0;
    signal.on('eventsCommitted', () => {
      throw new Error('listener fault');
    });
    const off = signal.on('eventsCommitted', () => void (woken += 1));
    expect(() => signal.emit('eventsCommitted')).not.toThrow();
    await nextCheck();
    expect(woken).toBe(1);
    off();
    expect(signal.listenerCount()).toBe(1);
    signal.emit('eventsCommitted');
    await nextCheck();
    expect(woken).toBe(1);
  });

  it('tells each event only its own listeners, once per origin, with the origin', async () => {
    const signal = createCommitSignal();
    const events: CommitOrigin[] = [];
    const due: CommitOrigin[] = [];
    signal.on('eventsCommitted', (origin) => events.push(origin));
    signal.on('deliveriesDue', (origin) => due.push(origin));
    signal.emit('deliveriesDue');
    signal.emit('deliveriesDue', 'peer');
    signal.emit('deliveriesDue');
    await nextCheck();
    expect(events).toEqual([]);
    expect(due).toEqual(['local', 'peer']);
    expect(signal.listenerCount('deliveriesDue')).toBe(1);
    expect(signal.listenerCount()).toBe(2);
  });

  it('calls a tap at every emit, synchronously and uncoalesced, until it is removed', async () => {
    const signal = createCommitSignal();
    const tapped: string[] = [];
    let woken = 0;
    signal.on('eventsCommitted', () => void (woken += 1));
    const off = signal.tap((event, origin) => tapped.push(`${event}:${origin}`));
    signal.emit('eventsCommitted');
    signal.emit('eventsCommitted');
    signal.emit('deliveriesDue', 'peer');
    // Before the check phase: the tap has seen all three, the listener nothing yet.
    expect(tapped).toEqual(['eventsCommitted:local', 'eventsCommitted:local', 'deliveriesDue:peer']);
    expect(woken).toBe(0);
    await nextCheck();
    expect(woken).toBe(1);
    off();
    signal.emit('eventsCommitted');
    expect(tapped).toHaveLength(3);
  });
});
