import { draftEvent } from '../../src/events/outbox.js';
import { standardBody } from '../../src/webhooks/formats/standard.js';
import { closedLoop } from '../load.js';
import type { Figure } from '../report.js';
import { SAMPLE_ACTOR, SAMPLE_TEAM, projectRenamedEvent, sampleProject } from '../sample-event.js';
import type { BenchContext, Scenario } from '../scenario.js';
import { median } from '../stats.js';

/**
 * Raw POSTs per second that Node can push to the bench receiver over loopback, at each level of `concurrency`
 * (median of the repeats; levels alternate within each repeat so a noisy moment hits them alike).
 */
export async function measureLimit(ctx: BenchContext, levels: number[], durationMs: number): Promise<Map<number, number>> {
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
  const post = (tag: string) => (i: number) => ({ method: 'POST' as const, path: '/limit', headers: { ...headers, 'webhook-id': `msg_${tag}_${i}` }, body });
  // Both processes need a few seconds of traffic before the JIT has settled (the first second costs ten times
  // the CPU per request of a warm run).
  for (const c of levels) await closedLoop(origin, { concurrency: c, durationMs: 1_500 }, post(`warm${c}`));
  const runs = new Map<number, number[]>(levels.map((c) => [c, []]));
  for (let r = 0; r < ctx.options.repeats; r++) {
    for (const c of levels) {
      await ctx.receiver.reset();
      const result = await closedLoop(origin, { concurrency: c, durationMs }, post(`${c}_${r}`));
      runs.get(c)!.push((result.completed / result.elapsedMs) * 1000);
    }
  }
  await ctx.receiver.reset();
  return new Map([...runs].map(([c, values]) => [c, median(values)]));
}

/** Scenario 1, the limit: every throughput in the report is a ratio to this. */
export const limitScenario: Scenario = {
  name: 'limit',
  async run(ctx): Promise<Figure[]> {
    const durationMs = Math.max(2_000, Math.round(5_000 * Math.min(1, ctx.options.scale * 2)));
    ctx.log(`limit: ${ctx.options.repeats} × ${durationMs} ms at 64 and at 10 in flight`);
    const limits = await measureLimit(ctx, [64, 10], durationMs);
    return [
      { scenario: 'limit', figure: 'raw POSTs/s, 64 in flight (the limit)', value: limits.get(64)!, unit: 'req/s' },
      { scenario: 'limit', figure: 'raw POSTs/s, 10 in flight (one webhook’s concurrency)', value: limits.get(10)!, unit: 'req/s', relativeToLimit: true },
    ];
  },
};
