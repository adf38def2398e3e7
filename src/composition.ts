import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createCommitSignal } from './events/commit-signal.js';
import type { LabelGate } from './events/label-gate.js';
import { createMetrics } from './metrics/metrics.js';
import type { Store } from './store/db.js';
import { createLabelGate } from './webhooks/gate.js';
import type { ResolveAll } from './webhooks/transport/ssrf-guard.js';
import { createWebhookRuntime } from './webhooks/webhook-runtime.js';

export interface ComposeOptions {
  config: Config;
  /** The open (migrated) store; its owner closes it. */
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** Resolver for webhook hosts: omitted, the system resolver (tests pass a fake one). */
  lookup?: ResolveAll;
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC): on in servers, off in most tests. */
  processMetrics?: boolean;
  /** Replaces the blocking-webhook gate: only for tests of the domain's gate seam (test/http/labels.test.ts). */
  labelGate?: LabelGate;
}

/** The composed context of one process and how to release what the composition opened. */
export interface ComposedApp {
  ctx: AppContext;
  /** Drops the webhook HTTP pool; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

/**
 * Builds the app context once: commit signal, metrics, webhook runtime (with the resolver passed in) and the label
 * gate, around the caller's store. Every process (serve, worker) and every test app is built here, so they are wired
 * alike; the engine and the NOTIFY link subscribe to the commit signal instead of changing the context.
 */
export function composeApp(options: ComposeOptions): ComposedApp {
  const { config, store, logger } = options;
  const clock = options.clock ?? systemClock;
  const commitSignal = createCommitSignal();
  const metrics = createMetrics({ store, clock, logger, processMetrics: options.processMetrics === true });
  const webhooks = createWebhookRuntime({ config, clock, sqlitePath: store.sqlitePath, ...(options.lookup ? { lookup: options.lookup } : {}) });
  const base = { config, store, clock, logger, commitSignal, metrics, webhooks };
  const ctx: AppContext = Object.freeze({ ...base, labelGate: options.labelGate ?? createLabelGate(base, webhooks) });
  return { ctx, close: () => webhooks.close() };
}
