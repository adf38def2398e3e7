import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Store } from '../store/db.js';
import { readQueueSnapshot, type QueueSnapshot } from './database-snapshot.js';

/** One recorded delivery attempt, as the metrics see it. */
export interface AttemptSample {
  format: string;
  /** The attempt's outcome kind: ok, retry, gone or blocked. */
  outcome: string;
  durationMs: number;
  /** The delivery's final state when this attempt ended it, null when it will be retried. */
  final: 'succeeded' | 'failed' | null;
  /** For a delivery's first attempt: ms from the event's commit to the attempt's start. */
  sinceEventMs: number | null;
}

/** The verdict of one blocking webhook on one label update. */
export type GateDecision = 'allow' | 'reject' | 'unavailable_open' | 'unavailable_closed';

/** Metrics in prom-client's JSON form (`registry.getMetricsAsJSON()`), as they cross a thread boundary. */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** The process's Prometheus registry and the recording calls the engine makes (one per batch, not per request). */
export interface Metrics {
  registry: Registry;
  /** Records a batch of finished attempts. */
  recordAttempts(samples: readonly AttemptSample[]): void;
  /** Records the answers of the blocking webhooks asked about one label update. */
  recordGateDecisions(decisions: readonly GateDecision[]): void;
  /** Tells the metrics how to read this process's requests in flight (the delivery worker, once started). */
  setLocalInFlight(read: (() => number) | null): void;
  /**
   * This registry's own figures without the gauges read from the database: what an engine thread hands the API
   * thread, which reads those gauges itself (src/process/engine-thread.ts).
   */
  ownFigures(): Promise<MetricsJson>;
  /** Adds figures of another thread to every render (summed per series); `read` answers null when it cannot tell. */
  addPeer(read: () => Promise<MetricsJson | null>): void;
  /** Prometheus text exposition of every metric (and the peers'). */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  store: Store;
  clock: Clock;
  logger?: Logger;
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC); on in servers, off in most tests. */
  processMetrics?: boolean;
}

// Attempt latency spans a fast loopback 2xx to the 15 s timeout; queue latency spans milliseconds to hours of backoff.
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const QUEUE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];
// One database read serves every gauge of a scrape (prom-client calls each gauge's collect in turn).
const SNAPSHOT_TTL_MS = 1000;

/** Creates the registry with labelhook's metrics; queue gauges are read from `store` when scraped. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'labelhook_' });
  let snapshot: Promise<QueueSnapshot | null> | null = null;
  let snapshotAt = 0;
  let localInFlight: (() => number) | null = null;

  const readSnapshot = (): Promise<QueueSnapshot | null> => {
    const now = options.clock();
    if (!snapshot || now - snapshotAt > SNAPSHOT_TTL_MS) {
      snapshotAt = now;
      snapshot = readQueueSnapshot(options.store, now).catch((err: unknown) => {
        // A scrape must still answer when the database does not: the gauges keep their last values, /readyz tells.
        options.logger?.warn({ err }, 'metrics: could not read queue figures from the database');
        snapshot = null;
        return null;
      });
    }
    return snapshot;
  };
  const peers: (() => Promise<MetricsJson | null>)[] = [];
  // Whole-database figures, the same whichever thread reads them: left out of what a thread hands over.
  const databaseGauges = new Set<string>();
  const fromSnapshot = (name: string, help: string, pick: (s: QueueSnapshot) => number): Gauge => {
    databaseGauges.add(name);
    return new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await readSnapshot();
        if (s) this.set(pick(s));
      },
    });
  };

  const deliveries = new Counter({
    name: 'labelhook_deliveries_total',
    help: 'Deliveries that reached a final state, by outcome (succeeded, failed) and payload format.',
    labelNames: ['outcome', 'format'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'labelhook_delivery_attempts_total',
    help: 'Delivery attempts by outcome (ok, retry, gone, blocked) and payload format.',
    labelNames: ['outcome', 'format'] as const,
    registers: [registry],
  });
  const attemptSeconds = new Histogram({
    name: 'labelhook_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt, connect to last response byte, by payload format.',
    labelNames: ['format'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [registry],
  });
  const firstAttemptSeconds = new Histogram({
    name: 'labelhook_event_to_first_attempt_seconds',
    help: 'Time from an event committing to the first attempt of a delivery carrying it.',
    buckets: QUEUE_BUCKETS,
    registers: [registry],
  });
  const gate = new Counter({
    name: 'labelhook_gate_decisions_total',
    help: 'Answers of blocking webhooks on label updates: allow, reject, unavailable_open (let through), unavailable_closed (rejected).',
    labelNames: ['decision'] as const,
    registers: [registry],
  });
  fromSnapshot('labelhook_deliveries_pending', 'Deliveries waiting for an attempt (due now or later), all processes.', (s) => s.pending);
  fromSnapshot('labelhook_deliveries_in_flight', 'Deliveries leased by a worker right now, all processes.', (s) => s.inFlight);
  fromSnapshot('labelhook_deliveries_oldest_pending_age_seconds', 'Age of the oldest pending delivery (0 when none).', (s) =>
    s.oldestPendingAt === null ? 0 : Math.max(0, (s.at - s.oldestPendingAt) / 1000),
  );
  fromSnapshot('labelhook_webhooks_disabled', 'Webhooks currently disabled (by a user, a 410 or auto-disable).', (s) => s.disabledWebhooks);
  fromSnapshot('labelhook_events_undispatched', 'Committed events not yet fanned out to webhooks.', (s) => s.undispatchedEvents);
  new Gauge({
    name: 'labelhook_worker_requests_in_flight',
    help: 'Webhook requests this process has in flight (0 in an API-only process).',
    registers: [registry],
    collect() {
      this.set(localInFlight ? localInFlight() : 0);
    },
  });

  return {
    registry,
    recordAttempts(samples) {
      for (const s of samples) {
        attempts.inc({ outcome: s.outcome, format: s.format });
        attemptSeconds.observe({ format: s.format }, s.durationMs / 1000);
        if (s.final) deliveries.inc({ outcome: s.final, format: s.format });
        if (s.sinceEventMs !== null) firstAttemptSeconds.observe(Math.max(0, s.sinceEventMs) / 1000);
      }
    },
    recordGateDecisions(decisions) {
      for (const d of decisions) gate.inc({ decision: d });
    },
    setLocalInFlight(read) {
      localInFlight = read;
    },
    async ownFigures() {
      // Each metric's own get() (what getMetricsAsJSON calls), so the skipped gauges do not query the database.
      const own = registry.getMetricsAsArray().filter((m) => !databaseGauges.has(m.name)) as unknown as { get(): Promise<MetricsJson[number]> }[];
      return Promise.all(own.map((m) => m.get()));
    },
    addPeer(read) {
      peers.push(read);
    },
    async render() {
      if (peers.length === 0) return { contentType: registry.contentType, body: await registry.metrics() };
      const [mine, ...theirs] = await Promise.all([registry.getMetricsAsJSON(), ...peers.map((read) => read())]);
      const merged = AggregatorRegistry.aggregate([mine, ...theirs.filter((t): t is MetricsJson => t !== null)]);
      return { contentType: registry.contentType, body: await merged.metrics() };
    },
  };
}
