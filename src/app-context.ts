import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { CommitSignal } from './events/commit-signal.js';
import type { LabelGate } from './events/label-gate.js';
import type { Metrics } from './metrics/metrics.js';
import type { Store } from './store/db.js';

/** What every layer is handed instead of reading globals: configuration, database, clock, logger and seams. */
export interface AppContext {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Blocking webhooks on label updates (the delivery engine installs the real one). */
  labelGate: LabelGate;
  /** Called after a transaction that wrote events commits, to wake the dispatcher without waiting for a poll. */
  eventsCommitted: () => void;
  /**
   * Pub/sub that `eventsCommitted` notifies (src/events/commit-signal.ts): the dispatcher and event streams subscribe.
   * Absent in some tests; subscribers then fall back to polling the events table.
   */
  commitSignal?: CommitSignal;
  /** Prometheus metrics of this process (src/metrics/metrics.ts); /metrics creates them when a test app has none. */
  metrics?: Metrics;
}
