import { describe, expect, it } from 'vitest';
import type { Webhook } from '../../src/webhooks/admin/webhook-store.js';
import type { DeliveryRow } from '../../src/webhooks/admin/webhook-views.js';
import { DeliveryQueue, type QueueLimits, type StartedDelivery } from '../../src/webhooks/delivery/delivery-queue.js';
import { createWebhookSlots, type WebhookSlots } from '../../src/webhooks/delivery/webhook-slots.js';

// The worker's queue state on its own: no database, no network. Rows and webhooks carry only what the queue reads.
const OWNER = 'host:1:aaa';

const hook = (id: string): Webhook => ({ id }) as Webhook;
const hooks = (...ids: string[]): Map<string, Webhook> => new Map(ids.map((id) => [id, hook(id)]));

let seq = 0;
function row(webhookId: string, owner: string | null = OWNER): DeliveryRow {
  seq += 1;
  return { id: `dlv_${seq}`, webhook_id: webhookId, lease_owner: owner } as DeliveryRow;
}
const rows = (webhookId: string, n: number): DeliveryRow[] => Array.from({ length: n }, () => row(webhookId));

const LIMITS: QueueLimits = { claimBatch: 2000, perWebhookBatch: 100, maxHeld: 10_000, maxInFlight: 1000 };

function setup(limits: Partial<QueueLimits> = {}, concurrency = 10): { queue: DeliveryQueue; slots: WebhookSlots } {
  const slots = createWebhookSlots(concurrency);
  return { queue: new DeliveryQueue({ ...LIMITS, ...limits }, slots), slots };
}

/** Takes until nothing may start. */
function takeAll(queue: DeliveryQueue): StartedDelivery[] {
  const out: StartedDelivery[] = [];
  for (let s = queue.take(); s; s = queue.take()) out.push(s);
  return out;
}

describe('DeliveryQueue', () => {
  it('queues rows per webhook and starts them with the webhooks taking turns', () => {
    const { queue } = setup();
    queue.accept([...rows('wh_a', 3), ...rows('wh_b', 3)], hooks('wh_a', 'wh_b'), OWNER, true);
    expect(queue.queued).toBe(6);
    const order = takeAll(queue).map((s) => s.delivery.webhook_id);
    expect(order).toEqual(['wh_a', 'wh_b', 'wh_a', 'wh_b', 'wh_a', 'wh_b']);
    expect(queue.inFlight).toBe(6);
    expect(queue.queued).toBe(0);
  });

  it('keeps each webhook within its concurrency, counted in the slots shared with manual sends', async () => {
    const { queue, slots } = setup({}, 2);
    queue.accept([...rows('wh_a', 5), ...rows('wh_b', 1)], hooks('wh_a', 'wh_b'), OWNER, true);
    // A manual send holds one of wh_a's two slots.
    const free = await slots.acquire('wh_a', 1000);
    const started = takeAll(queue);
    expect(started.map((s) => s.delivery.webhook_id).sort()).toEqual(['wh_a', 'wh_b']);
    expect(slots.inUse('wh_a')).toBe(2);
    free();
    queue.slotFreed('wh_a');
    expect(queue.take()?.delivery.webhook_id).toBe('wh_a');
    expect(queue.take()).toBeNull();
    // A finished request frees its slot and lets the next queued one start.
    queue.finish(started[0]!);
    expect(queue.take()?.delivery.webhook_id).toBe('wh_a');
  });

  it('starts no more than maxInFlight requests in all', () => {
    const { queue } = setup({ maxInFlight: 3 });
    queue.accept([...rows('wh_a', 4), ...rows('wh_b', 4)], hooks('wh_a', 'wh_b'), OWNER, true);
    const started = takeAll(queue);
    expect(started).toHaveLength(3);
    queue.finish(started[0]!);
    expect(takeAll(queue)).toHaveLength(1);
    expect(queue.inFlight).toBe(3);
  });

  it('claims at most claimBatch and never past maxHeld, counting queued, in flight and handed-over rows', () => {
    const { queue } = setup({ claimBatch: 50, maxHeld: 120 });
    expect(queue.beginClaim()).toBe(50);
    expect(queue.state).toBe('claiming');
    queue.accept(rows('wh_a', 50), hooks('wh_a'), OWNER, true);
    queue.endClaim();
    expect(queue.state).toBe('idle');
    takeAll(queue); // 10 in flight, 40 queued: still 50 held
    const incoming = rows('wh_b', 30);
    queue.expect(incoming);
    expect(queue.spare()).toBe(40);
    expect(queue.beginClaim()).toBe(40);
    queue.endClaim();
    queue.settle(incoming);
    expect(queue.spare()).toBe(70);
  });

  it('runs one claim at a time', () => {
    const { queue } = setup();
    expect(queue.beginClaim()).toBeGreaterThan(0);
    expect(queue.beginClaim()).toBe(0);
    queue.endClaim();
    expect(queue.beginClaim()).toBeGreaterThan(0);
  });

  it('leaves a webhook with a full queue out of claims, and asks for a refill once it runs low after a full share', () => {
    const { queue } = setup({ perWebhookBatch: 4 }, 1);
    queue.accept([...rows('wh_a', 4), ...rows('wh_b', 2)], hooks('wh_a', 'wh_b'), OWNER, true);
    expect(queue.fullWebhooks()).toEqual(['wh_a']);
    const [a, b] = takeAll(queue);
    expect(a!.delivery.webhook_id).toBe('wh_a');
    expect(queue.fullWebhooks()).toEqual([]);
    // wh_a's claim filled its share (it probably has more due); wh_b's did not.
    expect(queue.finish(a!)).toBe(true);
    expect(queue.finish(b!)).toBe(false);
  });

  it('gives the dispatcher room per webhook up to perWebhookBatch, and none once draining', () => {
    const { queue } = setup({ perWebhookBatch: 10 }, 2);
    queue.accept(rows('wh_a', 4), hooks('wh_a'), OWNER, false);
    takeAll(queue); // 2 in flight, 2 queued
    queue.expect(rows('wh_a', 3));
    expect(queue.room('wh_a')).toBe(3);
    expect(queue.room('wh_new')).toBe(10);
    queue.drain();
    expect(queue.room('wh_new')).toBe(0);
  });

  it('sorts out rows of a gone webhook and rows leased under another owner id instead of queuing them', () => {
    const { queue } = setup();
    const fenced = row('wh_a', 'host:1:old');
    const orphan = row('wh_gone');
    const accepted = queue.accept([row('wh_a'), fenced, orphan, row('wh_a', null)], hooks('wh_a'), OWNER, true);
    expect(accepted.perWebhook).toEqual(new Map([['wh_a', 1]]));
    expect(accepted.orphans).toEqual([orphan.id]);
    expect(accepted.stale).toEqual(new Map([['host:1:old', [fenced.id]]]));
    expect(queue.queued).toBe(1);
  });

  it('drops a webhook whose claim re-read found it gone, keeping its requests in flight, and takes edits of the others', () => {
    const { queue } = setup({}, 1);
    queue.accept([...rows('wh_a', 3), ...rows('wh_b', 2)], hooks('wh_a', 'wh_b'), OWNER, true);
    const [a] = takeAll(queue);
    expect(queue.queuedWebhooks().sort()).toEqual(['wh_a', 'wh_b']);
    const edited = { id: 'wh_b', url: 'http://127.0.0.1:9/new' } as Webhook;
    expect(queue.refresh(new Map([['wh_b', edited]]))).toEqual(['wh_a']);
    expect(queue.lane('wh_b')?.webhook).toBe(edited);
    expect(queue.drop('wh_a')).toHaveLength(2);
    expect(queue.lane('wh_a')?.inFlight).toBe(1);
    queue.finish(a!);
    expect(queue.lane('wh_a')).toBeUndefined();
  });

  it('a 410 halts its webhook: nothing more of that queue starts', () => {
    const { queue } = setup({}, 1);
    queue.accept(rows('wh_a', 3), hooks('wh_a'), OWNER, true);
    const first = queue.take()!;
    queue.halt(first);
    queue.finish(first);
    expect(queue.take()).toBeNull();
    expect(queue.queued).toBe(0);
  });

  it('after a claim that found work, it asks for another claim once half the room is free, across webhooks', () => {
    // Shares of 2 per webhook never fill a webhook's batch: only the worker's own limit said "there may be more".
    const { queue } = setup({ maxHeld: 8, claimBatch: 8 });
    expect(queue.beginClaim()).toBe(8);
    queue.accept([...rows('wh_a', 2), ...rows('wh_b', 2), ...rows('wh_c', 2), ...rows('wh_d', 2)], hooks('wh_a', 'wh_b', 'wh_c', 'wh_d'), OWNER, true);
    queue.endClaim();
    const started = takeAll(queue);
    expect(started).toHaveLength(8);
    expect(queue.beginClaim()).toBe(0);
    const asks = started.slice(0, 5).map((s) => queue.finish(s));
    // Spare 1, 2, 3, 4, 5 of 8: the fourth finish frees half and asks once; later ones do not ask again.
    expect(asks).toEqual([false, false, false, true, false]);
  });

  it('after a claim that found nothing, finishing requests asks for no claim', () => {
    const { queue } = setup({ maxHeld: 8, claimBatch: 8 });
    queue.accept(rows('wh_a', 4), hooks('wh_a'), OWNER, false);
    expect(queue.beginClaim()).toBe(4);
    queue.accept([], hooks(), OWNER, true);
    queue.endClaim();
    expect(takeAll(queue).map((s) => queue.finish(s))).toEqual([false, false, false, false]);
  });

  it('a fenced worker drops every queue; requests in flight finish', () => {
    const { queue } = setup({}, 1);
    queue.accept([...rows('wh_a', 3), ...rows('wh_b', 3)], hooks('wh_a', 'wh_b'), OWNER, true);
    const started = takeAll(queue);
    queue.dropAll();
    expect(queue.queued).toBe(0);
    expect(queue.inFlight).toBe(2);
    for (const s of started) queue.finish(s);
    expect(queue.take()).toBeNull();
    expect(queue.heldIds()).toEqual([]);
  });

  it('lists the held deliveries, queued and in flight, for lease renewal', () => {
    const { queue } = setup({}, 1);
    const held = rows('wh_a', 3);
    queue.accept(held, hooks('wh_a'), OWNER, true);
    queue.take();
    expect(queue.heldIds().sort()).toEqual(held.map((r) => r.id).sort());
  });

  it('draining starts nothing new and resolves once the last request finishes; stopped is final', async () => {
    const { queue, slots } = setup({}, 1);
    queue.accept([...rows('wh_a', 2), ...rows('wh_b', 2)], hooks('wh_a', 'wh_b'), OWNER, true);
    const started = takeAll(queue);
    let idle = false;
    queue.drain();
    expect(queue.state).toBe('draining');
    expect(queue.beginClaim()).toBe(0);
    const whenIdle = queue.whenIdle().then(() => {
      idle = true;
    });
    expect(queue.finish(started[0]!)).toBe(false);
    expect(queue.take()).toBeNull();
    await Promise.resolve();
    expect(idle).toBe(false);
    queue.finish(started[1]!);
    await whenIdle;
    expect(idle).toBe(true);
    expect(slots.inUse('wh_a') + slots.inUse('wh_b')).toBe(0);
    queue.stop();
    expect(queue.state).toBe('stopped');
    queue.drain();
    expect(queue.state).toBe('stopped');
  });

  it('a claim running when the worker starts draining does not bring it back to idle', () => {
    const { queue } = setup();
    queue.beginClaim();
    queue.drain();
    queue.endClaim();
    expect(queue.state).toBe('draining');
    expect(queue.open).toBe(false);
  });
});
