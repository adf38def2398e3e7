import type { Webhook } from '../admin/webhook-store.js';
import type { DeliveryRow } from '../admin/webhook-views.js';
import type { WebhookSlots } from './webhook-slots.js';

/**
 * Where a worker's queue is in its life:
 * - `idle`: requests start from the queues; a claim may begin.
 * - `claiming`: a claim is reading the database (one at a time); requests go on starting.
 * - `draining`: the worker is stopping: nothing new is taken or started, requests in flight finish.
 * - `stopped`: drained (or given up on): results arriving now are dropped, their leases are given back.
 */
export type QueueState = 'idle' | 'claiming' | 'draining' | 'stopped';

/** How much one worker takes on (the defaults are in docs/architecture.md, "Delivery"). */
export interface QueueLimits {
  /** Most deliveries taken per claim, all webhooks together. */
  claimBatch: number;
  /** Deliveries claimed per webhook at a time; a webhook is refilled once fewer than this many wait in its queue. */
  perWebhookBatch: number;
  /** Most deliveries held (queued, in flight and being handed over), all webhooks together. */
  maxHeld: number;
  /** Most requests in flight, all webhooks together. */
  maxInFlight: number;
}

/** The deliveries held for one webhook: claimed and waiting their turn, and how many are in flight. */
export interface WebhookLane {
  /** The latest version of the webhook read by a claim. */
  readonly webhook: Webhook;
  readonly queue: readonly DeliveryRow[];
  readonly inFlight: number;
}

interface Lane extends WebhookLane {
  webhook: Webhook;
  queue: DeliveryRow[];
  inFlight: number;
  /** The last claim filled this webhook's share: it probably has more due. */
  more: boolean;
}

/** A delivery taken from its queue to be sent now. */
export interface StartedDelivery {
  readonly delivery: DeliveryRow;
  readonly lane: WebhookLane;
}

/** How claimed or adopted rows were sorted (see DeliveryQueue.accept). */
export interface Accepted {
  /** How many were queued per webhook. */
  perWebhook: Map<string, number>;
  /** Leased to this worker but their webhook is gone, disabled or undecryptable: to give back. */
  orphans: string[];
  /** Leased under an owner id this worker was fenced out of, per old owner: never sent, to give back. */
  stale: Map<string, string[]>;
}

/**
 * The delivery worker's in-memory queue state, with no I/O: a queue per webhook, the held and in-flight counts,
 * the webhooks' turn order and the limits. Per-webhook concurrency is counted in `slots`, shared with manual sends.
 * The worker (delivery-worker.ts) does the database and network work around it.
 */
export class DeliveryQueue {
  private current: QueueState = 'idle';
  private readonly lanes = new Map<string, Lane>();
  // Webhooks whose queue has work and whose concurrency has room, in turn order (a Set keeps insertion order).
  private readonly ready = new Set<string>();
  // Ids of the deliveries with a request in flight (for lease renewal).
  private readonly sending = new Set<string>();
  // Deliveries handed over by the dispatcher and not yet queued, per webhook (they count against its room).
  private readonly incoming = new Map<string, number>();
  private incomingTotal = 0;
  private queuedTotal = 0;
  private inFlightTotal = 0;
  /** The last claim found work: more may be due (cut by this worker's room, or by other workers' shares). */
  private claimFound = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly limits: QueueLimits,
    private readonly slots: Pick<WebhookSlots, 'limit' | 'inUse' | 'hold' | 'release'>,
  ) {}

  /** The current state. */
  get state(): QueueState {
    return this.current;
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.inFlightTotal;
  }

  /** Deliveries waiting in the queues. */
  get queued(): number {
    return this.queuedTotal;
  }

  /** Whether the worker takes and starts work (not draining or stopped). */
  get open(): boolean {
    return this.current === 'idle' || this.current === 'claiming';
  }

  /** The lane of a webhook, if this worker holds any of its deliveries. */
  lane(webhookId: string): WebhookLane | undefined {
    return this.lanes.get(webhookId);
  }

  /** How many more deliveries this worker may take on, all webhooks together. */
  spare(): number {
    return this.limits.maxHeld - this.queuedTotal - this.inFlightTotal - this.incomingTotal;
  }

  /** Enters `claiming` from `idle`; answers how many deliveries the claim may take (0: none, and the state stays). */
  beginClaim(): number {
    if (this.current !== 'idle') return 0;
    const room = Math.min(this.limits.claimBatch, this.spare());
    if (room > 0) this.current = 'claiming';
    return room;
  }

  /** A claim is over: back to `idle`, unless the worker began stopping meanwhile. */
  endClaim(): void {
    if (this.current === 'claiming') this.current = 'idle';
  }

  /** Webhooks whose queue is full: the claim leaves them out. */
  fullWebhooks(): string[] {
    const ids: string[] = [];
    for (const [id, lane] of this.lanes) if (lane.queue.length >= this.limits.perWebhookBatch) ids.push(id);
    return ids;
  }

  /** Webhooks with deliveries waiting in their queue (a claim re-reads them). */
  queuedWebhooks(): string[] {
    const ids: string[] = [];
    for (const [id, lane] of this.lanes) if (lane.queue.length > 0) ids.push(id);
    return ids;
  }

  /**
   * Takes the latest versions of the held webhooks (a missing one was disabled, deleted or cannot be decrypted)
   * and answers the webhooks whose queue must be dropped.
   */
  refresh(latest: ReadonlyMap<string, Webhook>): string[] {
    const gone: string[] = [];
    for (const [id, lane] of this.lanes) {
      const webhook = latest.get(id);
      if (webhook) lane.webhook = webhook;
      else if (lane.queue.length > 0) gone.push(id);
    }
    return gone;
  }

  /** Empties a webhook's queue (its requests in flight go on) and answers the ids it held, to give back. */
  drop(webhookId: string): string[] {
    const lane = this.lanes.get(webhookId);
    if (!lane) return [];
    const ids = this.clearQueue(lane);
    if (lane.inFlight === 0) this.lanes.delete(webhookId);
    return ids;
  }

  /** Empties every queue (a fenced worker: another may have taken all of it); requests in flight go on. */
  dropAll(): void {
    for (const [id, lane] of this.lanes) {
      this.clearQueue(lane);
      if (lane.inFlight === 0) this.lanes.delete(id);
    }
  }

  /**
   * Queues the rows leased to `owner` whose webhook is in `found`, and sorts out the others (see Accepted). With
   * `claimed`, a webhook whose share the claim filled is marked as probably having more due.
   */
  accept(rows: readonly DeliveryRow[], found: ReadonlyMap<string, Webhook>, owner: string, claimed: boolean): Accepted {
    const perWebhook = new Map<string, number>();
    const orphans: string[] = [];
    const stale = new Map<string, string[]>();
    for (const row of rows) {
      if (row.lease_owner !== owner) {
        if (row.lease_owner !== null) stale.set(row.lease_owner, [...(stale.get(row.lease_owner) ?? []), row.id]);
        continue;
      }
      const webhook = found.get(row.webhook_id);
      if (!webhook) {
        orphans.push(row.id);
        continue;
      }
      this.enqueue(row, webhook);
      perWebhook.set(row.webhook_id, (perWebhook.get(row.webhook_id) ?? 0) + 1);
    }
    if (claimed) {
      for (const [id, n] of perWebhook) this.lanes.get(id)!.more = n >= this.limits.perWebhookBatch;
      this.claimFound = rows.length > 0;
    }
    return { perWebhook, orphans, stale };
  }

  /** How many deliveries of `webhookId` the dispatcher may hand over now (leased to this worker at creation). */
  room(webhookId: string): number {
    if (!this.open) return 0;
    const lane = this.lanes.get(webhookId);
    const holding = (lane ? lane.queue.length + lane.inFlight : 0) + (this.incoming.get(webhookId) ?? 0);
    return Math.max(0, Math.min(this.limits.perWebhookBatch - holding, this.spare()));
  }

  /** Rows handed over by the dispatcher, not yet queued: they count against the room until `settle`. */
  expect(rows: readonly DeliveryRow[]): void {
    for (const r of rows) this.incoming.set(r.webhook_id, (this.incoming.get(r.webhook_id) ?? 0) + 1);
    this.incomingTotal += rows.length;
  }

  /** The rows of an `expect` are queued or given up on. */
  settle(rows: readonly DeliveryRow[]): void {
    for (const r of rows) {
      const n = (this.incoming.get(r.webhook_id) ?? 1) - 1;
      if (n <= 0) this.incoming.delete(r.webhook_id);
      else this.incoming.set(r.webhook_id, n);
    }
    this.incomingTotal -= rows.length;
  }

  /**
   * Takes the next delivery to send, webhooks taking turns, and counts it in flight; null when nothing may start
   * (draining, the in-flight limit reached, or every queue empty or at its webhook's concurrency).
   */
  take(): StartedDelivery | null {
    for (const id of this.ready) {
      if (!this.open || this.inFlightTotal >= this.limits.maxInFlight) return null;
      this.ready.delete(id);
      const lane = this.lanes.get(id);
      const delivery = lane?.queue.shift();
      if (!lane || !delivery) continue;
      this.queuedTotal -= 1;
      this.inFlightTotal += 1;
      lane.inFlight += 1;
      this.slots.hold(id);
      this.sending.add(delivery.id);
      this.markReady(lane);
      return { delivery, lane };
    }
    return null;
  }

  /** A started request is over; answers whether its webhook should be claimed again soon (it runs low and has more due). */
  finish(started: StartedDelivery): boolean {
    const lane = started.lane as Lane;
    this.inFlightTotal -= 1;
    lane.inFlight -= 1;
    this.slots.release(lane.webhook.id);
    this.sending.delete(started.delivery.id);
    if (this.inFlightTotal === 0) this.notifyIdle();
    if (!this.open) return false;
    this.markReady(lane);
    // After a claim that found work, more may be due that no webhook's share showed (the claim was cut by this
    // worker's held limit, or by what other workers hold): claim again once half a claim's room is free.
    const refillAll = this.claimFound && this.spare() >= Math.max(1, Math.floor(Math.min(this.limits.claimBatch, this.limits.maxHeld) / 2));
    if (refillAll) this.claimFound = false;
    const refill = refillAll || (lane.more && lane.queue.length < this.limits.perWebhookBatch);
    if (lane.queue.length === 0 && lane.inFlight === 0 && this.lanes.get(lane.webhook.id) === lane) this.lanes.delete(lane.webhook.id);
    return refill;
  }

  /** The receiver answered 410: nothing more of this webhook's queue is sent (the recorded result cancels those deliveries). */
  halt(started: StartedDelivery): void {
    this.clearQueue(started.lane as Lane);
  }

  /** A slot of `webhookId` was freed outside the worker (a manual send): its queue may go on. */
  slotFreed(webhookId: string): void {
    const lane = this.lanes.get(webhookId);
    if (lane && this.open) this.markReady(lane);
  }

  /** The ids of every delivery held, queued or in flight (their leases are renewed). */
  heldIds(): string[] {
    if (this.inFlightTotal === 0 && this.queuedTotal === 0) return [];
    const ids = [...this.sending];
    for (const lane of this.lanes.values()) for (const d of lane.queue) ids.push(d.id);
    return ids;
  }

  /** Enters `draining`: nothing new is taken or started. */
  drain(): void {
    if (this.open) this.current = 'draining';
  }

  /** Enters `stopped`: results arriving from now on are dropped. */
  stop(): void {
    this.current = 'stopped';
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.inFlightTotal === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private enqueue(row: DeliveryRow, webhook: Webhook): void {
    let lane = this.lanes.get(row.webhook_id);
    if (!lane) {
      lane = { webhook, queue: [], inFlight: 0, more: false };
      this.lanes.set(row.webhook_id, lane);
    }
    lane.queue.push(row);
    this.queuedTotal += 1;
    this.markReady(lane);
  }

  private clearQueue(lane: Lane): string[] {
    const ids = lane.queue.map((d) => d.id);
    this.queuedTotal -= lane.queue.length;
    lane.queue = [];
    lane.more = false;
    this.ready.delete(lane.webhook.id);
    return ids;
  }

  private markReady(lane: Lane): void {
    if (lane.queue.length > 0 && this.slots.inUse(lane.webhook.id) < this.slots.limit) this.ready.add(lane.webhook.id);
  }
}
