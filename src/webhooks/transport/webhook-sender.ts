import type { Agent } from 'undici';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Webhook } from '../admin/webhook-store.js';
import type { WebhookSlots } from '../delivery/webhook-slots.js';
import type { Fence } from './fence.js';
import { buildRequest } from './outgoing-request.js';
import { sendAttempt, type SendOptions, type SentAttempt } from './send-attempt.js';

/** The one way a request reaches a receiver: the delivery worker, manual sends and the label gate all go through it. */
export interface WebhookSender {
  /**
   * One delivery attempt: the signed request (stable `messageId`), within config.requestTimeoutMs, Retry-After
   * honoured up to the retry schedule's longest step; with a `fence` (the worker's, on PostgreSQL) it is stopped before
   * its first byte unless the worker is still live then.
   */
  attempt(webhook: Webhook, messageId: string, body: string, fence?: Fence): Promise<SentAttempt>;
  /** A manual send (test PING, redeliver): an attempt in one of the webhook's concurrency slots (409 `webhook_busy` after waiting a request timeout). */
  manual(webhook: Webhook, messageId: string, body: string): Promise<SentAttempt>;
  /** One label-gate call, within config.gateTimeoutMs; a verdict has no Retry-After. */
  gate(webhook: Webhook, messageId: string, body: string): Promise<SentAttempt>;
}

/** The longest Retry-After honoured: the longest step of the retry schedule (a receiver cannot park a delivery forever). */
export function retryAfterCap(scheduleMs: readonly number[]): number {
  return Math.max(0, ...scheduleMs);
}

/** What a sender needs: the config's timeouts and caps, the clock, the runtime's pool and concurrency slots. */
export interface SenderDeps {
  config: Config;
  clock: Clock;
  agent: () => Agent;
  slots: WebhookSlots;
}

/** Builds the sender of a webhook runtime (src/webhooks/webhook-runtime.ts does, once), its send options built once. */
export function createWebhookSender(deps: SenderDeps): WebhookSender {
  const { config, clock } = deps;
  const delivery: SendOptions = {
    timeoutMs: config.requestTimeoutMs,
    bodyCapBytes: config.responseBodyCapBytes,
    retryAfterCapMs: retryAfterCap(config.retryScheduleMs),
    clock,
  };
  const gate: SendOptions = { ...delivery, timeoutMs: config.gateTimeoutMs, retryAfterCapMs: 0 };
  const attempt: WebhookSender['attempt'] = (webhook, messageId, body, fence) =>
    sendAttempt(deps.agent(), buildRequest(webhook, messageId, body, clock()), delivery, fence);
  const sender: WebhookSender = {
    attempt,
    async manual(webhook, messageId, body) {
      const free = await deps.slots.acquire(webhook.id, config.requestTimeoutMs);
      try {
        return await attempt(webhook, messageId, body);
      } finally {
        free();
      }
    },
    gate: (webhook, messageId, body) => sendAttempt(deps.agent(), buildRequest(webhook, messageId, body, clock()), gate),
  };
  return sender;
}
