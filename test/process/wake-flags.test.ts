import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { wakeFlags } from '../../src/process/wake-flags.js';

describe('wake flags between the API thread and the engine thread', () => {
  it('asks for one wake-up per kind until the engine has read it, then for the next', () => {
    const api = wakeFlags();
    const engine = wakeFlags(api.buffer);
    expect([api.raise('eventsCommitted'), api.raise('eventsCommitted'), api.raise('eventsCommitted')]).toEqual([true, false, false]);
    // The other kind is its own flag.
    expect(api.raise('deliveriesDue')).toBe(true);
    engine.lower('eventsCommitted');
    expect(api.raise('eventsCommitted')).toBe(true);
    expect(api.raise('deliveriesDue')).toBe(false);
  });

  it('is shared memory: a flag raised in another thread is seen raised here', async () => {
    const flags = wakeFlags();
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       Atomics.exchange(new Int32Array(workerData), 0, 1);
       parentPort.postMessage('raised');`,
      { eval: true, workerData: flags.buffer },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(flags.raise('eventsCommitted')).toBe(false);
    expect(flags.raise('deliveriesDue')).toBe(true);
  });
});
