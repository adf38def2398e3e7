import { describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import type { Store } from '../../src/store/db.js';

// `labelhook serve` records deliveries in the engine thread's registry and answers /metrics from the API thread's.
describe('metrics of two threads in one exposition', () => {
  // The queue gauges read the database; `reads` counts who asked.
  const metricsReading = (reads: string[], who: string): Metrics => {
    const store = {
      db: {
        selectFrom: () => {
          reads.push(who);
          throw new Error('no database here');
        },
      },
    } as unknown as Store;
    return createMetrics({ store, clock: () => 1_000 });
  };

  it('sums the engine thread’s counters into the API thread’s, lists each metric once and reads the database once', async () => {
    const reads: string[] = [];
    const api = metricsReading(reads, 'api');
    const engine = metricsReading(reads, 'engine');
    engine.recordAttempts([
      { format: 'json', outcome: 'ok', durationMs: 12, final: 'succeeded', sinceEventMs: 30 },
      { format: 'json', outcome: 'ok', durationMs: 8, final: 'succeeded', sinceEventMs: null },
    ]);
    engine.setLocalInFlight(() => 3);
    api.recordGateDecisions(['allow']);
    api.addPeer(() => engine.ownFigures());
    const { body } = await api.render();
    expect(body).toContain('labelhook_deliveries_total{outcome="succeeded",format="json"} 2');
    expect(body).toContain('labelhook_delivery_attempt_duration_seconds_count{format="json"} 2');
    expect(body).toContain('labelhook_worker_requests_in_flight 3');
    expect(body).toContain('labelhook_gate_decisions_total{decision="allow"} 1');
    for (const name of ['labelhook_deliveries_total', 'labelhook_deliveries_pending', 'labelhook_worker_requests_in_flight']) {
      expect(body.split('\n').filter((l) => l === `# TYPE ${name} ${name === 'labelhook_deliveries_total' ? 'counter' : 'gauge'}`)).toHaveLength(1);
    }
    expect(new Set(reads)).toEqual(new Set(['api']));
  });

  it('still answers with its own figures when the peer cannot tell', async () => {
    const api = metricsReading([], 'api');
    api.recordGateDecisions(['reject']);
    api.addPeer(() => Promise.resolve(null));
    const { body } = await api.render();
    expect(body).toContain('labelhook_gate_decisions_total{decision="reject"} 1');
  });
});
