import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CommitSignal } from './events/commit-signal.js';
import type { LabelGate } from './events/label-gate.js';
import type { Metrics } from './metrics/metrics.js';
import type { Store } from './store/db.js';
import type { WebhookRuntime } from './webhooks/webhook-runtime.js';

/**
 * What every layer is handed instead of reading globals: configuration, database, clock, logger and seams.
 * Built once per process by `composeApp` (src/composition.ts); nothing changes it afterwards.
 */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Blocking webhooks on label updates (src/webhooks/gate.ts), in every process. */
  readonly labelGate: LabelGate;
  /**
   * In-process pub/sub of commits (src/events/commit-signal.ts): the outbox and the delivery admin emit; the
   * dispatcher, the delivery worker, event streams and the PostgreSQL NOTIFY link subscribe.
   */
  readonly commitSignal: CommitSignal;
  /** Prometheus metrics of this process (src/metrics/metrics.ts). */
  readonly metrics: Metrics;
  /** Secret box, SSRF policy and HTTP pool of the webhook routes, the gate and the delivery worker. */
  readonly webhooks: WebhookRuntime;
}
