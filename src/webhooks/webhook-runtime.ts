import type { Agent } from 'undici';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { createSecretBox, type SecretBox } from './transport/secret-box.js';
import { resolveSecretKey } from './transport/secret-key-source.js';
import { createWebhookSender, type WebhookSender } from './transport/webhook-sender.js';
import { createGuardedDispatcher, createTargetPolicy, type ResolveAll, type TargetPolicy } from './transport/ssrf-guard.js';
import { createWebhookSlots, type WebhookSlots } from './delivery/webhook-slots.js';

/** What the webhook routes, the gate and the workers of one process share: the secret box, the SSRF policy and one HTTP pool. */
export interface WebhookRuntime {
  /** Seals and opens webhook secrets; the key is resolved on first use (or by `requireSecretKey`). */
  readonly box: SecretBox;
  readonly policy: TargetPolicy;
  /** Resolver for save-time checks and connections (the system one unless the composition was given one). */
  readonly lookup: ResolveAll | undefined;
  /** The guarded keep-alive agent every webhook request goes through (created on first use). */
  agent(): Agent;
  /** The per-webhook concurrency shared by the delivery worker and manual sends. */
  readonly slots: WebhookSlots;
  /** The one way a request reaches a receiver (worker, manual sends, gate). */
  readonly sender: WebhookSender;
  /** Resolves the secret key now: a missing LABELHOOK_SECRET_KEY fails start-up with a clear message. */
  requireSecretKey(): void;
  /** Drops the HTTP pool (requests still running are abandoned); a later request opens a new one. */
  close(): Promise<void>;
}

export interface WebhookRuntimeOptions {
  config: Config;
  clock: Clock;
  /** The SQLite file path (the key file lives next to it), null on PostgreSQL. */
  sqlitePath: string | null;
  /** Resolver for webhook hosts: omitted, the system resolver; tests pass a fake one. */
  lookup?: ResolveAll;
}

/** Creates the runtime of one process (src/composition.ts does, once). */
export function createWebhookRuntime(options: WebhookRuntimeOptions): WebhookRuntime {
  const { config, clock, lookup } = options;
  const policy = createTargetPolicy(config.allowPrivateTargets);
  let box: SecretBox | null = null;
  let agent: Agent | null = null;
  const openBox = (): SecretBox => {
    box ??= createSecretBox(resolveSecretKey({ configured: config.secretKey, sqlitePath: options.sqlitePath }));
    return box;
  };
  const getAgent = (): Agent => {
    agent ??= createGuardedDispatcher(policy, {
      connectTimeoutMs: config.connectTimeoutMs,
      ...(lookup ? { lookup } : {}),
      keepAliveTimeoutMs: 30_000,
    });
    return agent;
  };
  const slots = createWebhookSlots(config.webhookConcurrency);
  return {
    get box() {
      return openBox();
    },
    policy,
    lookup,
    slots,
    sender: createWebhookSender({ config, clock, agent: getAgent, slots }),
    agent: getAgent,
    requireSecretKey() {
      openBox();
    },
    async close() {
      const a = agent;
      agent = null;
      // destroy, not close: close waits for hanging receivers, and every caller has already given up on them.
      if (a) await a.destroy().catch(() => undefined);
    },
  };
}
