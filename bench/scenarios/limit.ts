import { draftEvent } from '../../src/events/outbox.js';
import { standardBody } from '../../src/webhooks/formats/standard.js';
import { closedLoop } from '../load.js';
import type { Figure } from '../report.js';
import { SAMPLE_ACTOR, SAMPLE_TEAM, projectRenamedEvent, sampleProject } from '../sample-event.js';
import type { BenchContext, Scenario } from '../scenario.js';
import { median } from '../stats.js';

/** Raw POSTs per second that Node can push to the bench receiver over loopback with `concurrency` in flight. */
export async function measureLimit(ctx: BenchContext, concurrency: number, durationMs: number): Promise<number> {
  const now = Date.now();
  const body = JSON.stringify(standardBody(draftEvent(projectRenamedEvent(SAMPLE_TEAM, sampleProject(now), SAMPLE_ACTOR, 1), now), { sendPayload: true }));
  const origin = `http://127.0.0.1:${ctx.receiver.port}`;
  const seconds = String(Math.floor(now / 1000));
  // The same headers a delivery carries, so the receiver parses as much as it does in the delivery scenarios.
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'labelhook-bench',
    'webhook-timestamp': seconds,
    'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  };
  // A short warm-up first, so the JIT and the connection pool are in the same state as in a long delivery run.
  await closedLoop(origin, { concurrency, durationMs: 500 }, (i) => ({ method: 'POST', path: '/warmup', headers: { ...headers, 'webhook-id': `msg_warm_${i}` }, body }));
  const runs: number[] = [];
  for (let r = 0; r < ctx.options.repeats; r++) {
    await ctx.receiver.reset();
    const result = await closedLoop(origin, { concurrency, durationMs }, (i) => ({
      method: 'POST',
      path: '/limit',
      headers: { ...headers, 'webhook-id': `msg_limit_${r}_${i}` },
      body,
    }));
    runs.push((result.completed / result.elapsedMs) * 1000);
  }
  return median(runs);
}

/** Scenario 1, the limit: every throughput in the report is a ratio to this. */
export const limitScenario: Scenario = {
  name: 'limit',
  async run(ctx): Promise<Figure[]> {
    const durationMs = Math.max(2_000, Math.round(5_000 * Math.min(1, ctx.options.scale * 2)));
    ctx.log(`limit: ${ctx.options.repeats} × ${durationMs} ms at 64 in flight, then at 10 in flight`);
    const at64 = await measureLimit(ctx, 64, durationMs);
    const at10 = await measureLimit(ctx, 10, durationMs);
    await ctx.receiver.reset();
    return [
      { scenario: 'limit', figure: 'raw POSTs/s, 64 in flight (the limit)', value: at64, unit: 'req/s' },
      { scenario: 'limit', figure: 'raw POSTs/s, 10 in flight', value: at10, unit: 'req/s', relativeToLimit: true },
    ];
  },
};
