import type { Agent } from 'undici';
import type { AppContext } from '../app-context.js';
import { createSecretBox, type SecretBox } from './transport/secret-box.js';
import { resolveSecretKey } from './transport/secret-key-source.js';
import { createGuardedDispatcher, createTargetPolicy, type ResolveAll, type TargetPolicy } from './transport/ssrf-guard.js';
import { createWebhookSlots, type WebhookSlots } from './delivery/webhook-slots.js';

/** What the webhook routes, the gate and the workers of one app share: the secret box, the SSRF policy and one HTTP pool. */
export interface WebhookRuntime {
  box: SecretBox;
  policy: TargetPolicy;
  /** Resolver for save-time checks and connections (the system one unless a test injects one). */
  lookup: ResolveAll | undefined;
  /** The guarded keep-alive agent every webhook request goes through (created on first use). */
  agent(): Agent;
  /** The per-webhook concurrency shared by the delivery worker and manual sends. */
  slots: WebhookSlots;
  close(): Promise<void>;
}

const runtimes = new WeakMap<AppContext, WebhookRuntime>();

/**
 * The runtime of `ctx`, created on first use. Keyed by the context so routes (built before the engine starts)
 * and the engine use the same key material and connection pool.
 */
export function webhookRuntime(ctx: AppContext, lookup?: ResolveAll): WebhookRuntime {
  const existing = runtimes.get(ctx);
  if (existing) return existing;
  const box = createSecretBox(resolveSecretKey({ configured: ctx.config.secretKey, sqlitePath: ctx.store.sqlitePath }));
  const policy = createTargetPolicy(ctx.config.allowPrivateTargets);
  let agent: Agent | null = null;
  const runtime: WebhookRuntime = {
    box,
    policy,
    lookup,
    slots: createWebhookSlots(ctx.config.webhookConcurrency),
    agent() {
      agent ??= createGuardedDispatcher(policy, {
        connectTimeoutMs: ctx.config.connectTimeoutMs,
        ...(lookup ? { lookup } : {}),
        keepAliveTimeoutMs: 30_000,
      });
      return agent;
    },
    async close() {
      runtimes.delete(ctx);
      const a = agent;
      agent = null;
      // destroy, not close: close waits for hanging receivers, and every caller has already given up on them.
      if (a) await a.destroy().catch(() => undefined);
    },
  };
  runtimes.set(ctx, runtime);
  return runtime;
}

/** Closes the runtime of `ctx` if one was created (the app's onClose hook: nothing to create just to close). */
export async function closeWebhookRuntime(ctx: AppContext): Promise<void> {
  await runtimes.get(ctx)?.close();
}
