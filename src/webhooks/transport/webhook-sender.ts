import type { Dispatcher } from 'undici';
import type { AppContext } from '../../app-context.js';
import type { Webhook } from '../admin/webhook-store.js';
import type { WebhookRuntime } from '../webhook-runtime.js';
import { buildRequest } from './outgoing-request.js';
import { sendAttempt, type SendOptions, type SentAttempt } from './send-attempt.js';

/** The one way a request reaches a receiver: the delivery worker, manual sends and the label gate all go through it. */
export interface WebhookSender {
  /**
   * One delivery attempt: the signed request (stable `messageId`), within config.requestTimeoutMs, Retry-After
   * honoured up to the retry schedule's longest step. `dispatcher` replaces the shared pool (the worker's fence).
   */
  attempt(webhook: Webhook, messageId: string, body: string, dispatcher?: Dispatcher): Promise<SentAttempt>;
  /** A manual send (test PING, redeliver): an attempt in one of the webhook's concurrency slots (409 `webhook_busy` after waiting a request timeout). */
  manual(webhook: Webhook, messageId: string, body: string): Promise<SentAttempt>;
  /** One label-gate call, within config.gateTimeoutMs; a verdict has no Retry-After. */
  gate(webhook: Webhook, messageId: string, body: string): Promise<SentAttempt>;
}

/** The longest Retry-After honoured: the longest step of the retry schedule (a receiver cannot park a delivery forever). */
export function retryAfterCap(scheduleMs: readonly number[]): number {
  return Math.max(0, ...scheduleMs);
}

const senders = new WeakMap<WebhookRuntime, WebhookSender>();

/** The sender of a webhook runtime, its send options built once from the config. */
export function webhookSender(ctx: AppContext, runtime: WebhookRuntime): WebhookSender {
  const existing = senders.get(runtime);
  if (existing) return existing;
  const { config, clock } = ctx;
  const delivery: SendOptions = {
    timeoutMs: config.requestTimeoutMs,
    bodyCapBytes: config.responseBodyCapBytes,
    retryAfterCapMs: retryAfterCap(config.retryScheduleMs),
    clock,
  };
  const gate: SendOptions = { ...delivery, timeoutMs: config.gateTimeoutMs, retryAfterCapMs: 0 };
  const attempt: WebhookSender['attempt'] = (webhook, messageId, body, dispatcher) =>
    sendAttempt(dispatcher ?? runtime.agent(), buildRequest(webhook, messageId, body, clock()), delivery);
  const sender: WebhookSender = {
    attempt,
    async manual(webhook, messageId, body) {
      const free = await runtime.slots.acquire(webhook.id, config.requestTimeoutMs);
      try {
        return await attempt(webhook, messageId, body);
      } finally {
        free();
      }
    },
    gate: (webhook, messageId, body) => sendAttempt(runtime.agent(), buildRequest(webhook, messageId, body, clock()), gate),
  };
  senders.set(runtime, sender);
  return sender;
}
