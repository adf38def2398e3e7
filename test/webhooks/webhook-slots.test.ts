import { describe, expect, it } from 'vitest';
import { createWebhookSlots } from '../../src/webhooks/delivery/webhook-slots.js';

describe('webhook slots: manual sends and redeliveries count toward the webhook concurrency', () => {
  it('makes a manual send wait while the worker holds every slot, and hands it the first one freed', async () => {
    const slots = createWebhookSlots(2);
    slots.hold('w');
    slots.hold('w');
    let granted = false;
    const pending = slots.acquire('w', 5000).then((free) => {
      granted = true;
      return free;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(false);
    slots.release('w');
    const free = await pending;
    expect(slots.inUse('w')).toBe(2);
    // The worker sees no room until the manual send is done, and hears when it is.
    const heard: string[] = [];
    slots.onManualRelease((id) => heard.push(id));
    free();
    free(); // freeing twice frees once
    expect(slots.inUse('w')).toBe(1);
    expect(heard).toEqual(['w']);
  });

  it('serves waiting manual sends first come, first served, and other webhooks independently', async () => {
    const slots = createWebhookSlots(1);
    const first = await slots.acquire('w', 5000);
    const order: number[] = [];
    const second = slots.acquire('w', 5000).then((f) => (order.push(2), f));
    const third = slots.acquire('w', 5000).then((f) => (order.push(3), f));
    const other = await slots.acquire('x', 50);
    expect(slots.inUse('x')).toBe(1);
    other();
    first();
    (await second)();
    (await third)();
    expect(order).toEqual([2, 3]);
    expect(slots.inUse('w')).toBe(0);
  });

  it('answers 409 webhook_busy when no slot frees within the wait', async () => {
    const slots = createWebhookSlots(1);
    slots.hold('w');
    await expect(slots.acquire('w', 30)).rejects.toMatchObject({ code: 'webhook_busy', status: 409, details: { limit: 1 } });
    slots.release('w');
    const free = await slots.acquire('w', 30);
    expect(slots.inUse('w')).toBe(1);
    free();
  });
});
