import { apiClient } from '../api.js';
import { postgresDatabase } from '../database.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { BenchContext, Scenario } from '../scenario.js';
import { seedEvents } from '../seed.js';
import { startServerProcess } from '../server.js';
import { median } from '../stats.js';

/**
 * PostgreSQL with 1 and with 3 `labelhook worker` processes (issue 14). WEBHOOKS webhooks, each its own receiver
 * group answering after DELAY_MS, subscribe to every seeded event; LABELHOOK_WEBHOOK_CONCURRENCY is CONCURRENCY,
 * and each worker runs at most WORKER_IN_FLIGHT requests at once and holds at most WORKER_HELD claimed deliveries.
 *
 * What limits it: concurrency, not CPU. One worker can have WORKER_IN_FLIGHT requests open, so it delivers at most
 * WORKER_IN_FLIGHT / DELAY_MS (800/s); three can have three times that (2,400/s), under the webhooks' own ceiling of
 * WEBHOOKS × CONCURRENCY / DELAY_MS (7,500/s) that holds across all workers. So three workers should deliver about
 * 3× one (goal ≥ 2.5×): the ratio shows that the workers share the webhooks instead of one holding them all or the
 * claims getting in each other's way. The most requests one webhook had open at once shows that its concurrency
 * held across processes (before issue 14 each worker had its own, 3 × CONCURRENCY). WORKER_HELD is kept near the
 * in-flight limit: a worker holding more claimed deliveries of a webhook than its concurrency leaves others nothing
 * of it (claim-shares.ts counts held deliveries, not open requests).
 */
const WEBHOOKS = 30;
const CONCURRENCY = 5;
const DELAY_MS = 20;
const WORKER_IN_FLIGHT = 16;
const WORKER_HELD = 32;

interface Run {
  perSecond: number;
  cpuUsPerDelivery: number;
  maxInFlight: number;
  delivered: number;
  expected: number;
}

/** One run: a fresh schema, the webhooks, `events` seeded, then `workers` worker processes until all arrived. */
async function runOnce(ctx: BenchContext, pgUrl: string, events: number, workers: number): Promise<Run> {
  const db = await postgresDatabase(pgUrl);
  const env = {
    LABELHOOK_WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    LABELHOOK_WORKER_MAX_IN_FLIGHT: String(WORKER_IN_FLIGHT),
    LABELHOOK_WORKER_MAX_HELD: String(WORKER_HELD),
  };
  try {
    const setup = await startServerProcess({ databaseUrl: db.url, worker: false, env });
    let projectId: string;
    try {
      const api = apiClient(setup.origin);
      projectId = (await api.createProject('Bench pg-workers')).id;
      for (let i = 0; i < WEBHOOKS; i++) await api.createWebhook(ctx.receiver.url(`pgw${i}`), { projectId });
      await api.close();
    } finally {
      await setup.stop();
    }
    await seedEvents(db.url, projectId, events);
    await ctx.receiver.reset();
    for (let i = 0; i < WEBHOOKS; i++) await ctx.receiver.configure(`pgw${i}`, { kind: 'slow', delayMs: DELAY_MS });
    const servers = await Promise.all(Array.from({ length: workers }, () => startServerProcess({ databaseUrl: db.url, role: 'worker', env, cpuProfDir: ctx.options.cpuProfDir })));
    const readyAt = performance.timeOrigin + performance.now();
    const cpuNow = async (): Promise<number> => (await Promise.all(servers.map((s) => s.memory()))).reduce((sum, m) => sum + m.cpuMs, 0);
    try {
      const cpuAtStart = await cpuNow();
      const expected = events * WEBHOOKS;
      await ctx.receiver.waitFor(null, expected, 300_000);
      const cpuMs = await cpuNow();
      const stats = Object.values(await ctx.receiver.stats());
      const delivered = stats.reduce((n, s) => n + s.distinct, 0);
      const first = Math.min(readyAt, ...stats.map((s) => s.first ?? Infinity));
      const last = Math.max(...stats.map((s) => s.last ?? 0));
      const elapsedMs = Math.max(1, last - first);
      return {
        perSecond: (delivered / elapsedMs) * 1000,
        cpuUsPerDelivery: ((cpuMs - cpuAtStart) * 1000) / Math.max(1, delivered),
        maxInFlight: Math.max(0, ...stats.map((s) => s.maxOpen)),
        delivered,
        expected,
      };
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  } finally {
    await db.drop();
  }
}

async function repeatRuns(ctx: BenchContext, pgUrl: string, events: number, workers: number): Promise<Run[]> {
  const runs: Run[] = [];
  for (let r = 0; r < ctx.options.repeats; r++) {
    const run = await runOnce(ctx, pgUrl, events, workers);
    ctx.log(`  ${workers} worker(s) run ${r + 1}: ${run.delivered}/${run.expected} → ${Math.round(run.perSecond)}/s, worker CPU ${Math.round(run.cpuUsPerDelivery)} µs/delivery, most in flight to one webhook ${run.maxInFlight}`);
    runs.push(run);
  }
  return runs;
}

function short(runs: Run[]): string | undefined {
  const cut = runs.filter((r) => r.delivered < r.expected);
  return cut.length === 0 ? undefined : `timed out: ${cut.map((r) => `${r.delivered}/${r.expected}`).join(', ')} delivered`;
}

/** Deliveries/s with 1 and 3 PostgreSQL worker processes when the receivers' concurrency is the limit. */
export const pgWorkersScenario: Scenario = {
  name: 'pg-workers',
  async run(ctx): Promise<Figure[]> {
    const pgUrl = ctx.options.postgresUrl;
    const base = `${WEBHOOKS} webhooks × concurrency ${CONCURRENCY}, ${DELAY_MS} ms receiver, ${WORKER_IN_FLIGHT} in flight per worker`;
    if (pgUrl === null) return [{ scenario: 'pg-workers', figure: 'deliveries/s, PostgreSQL workers', value: null, unit: 'deliveries/s', note: 'skipped: LABELHOOK_BENCH_POSTGRES_URL not set' }];
    const events = scaled(ctx.options, 1_500, 50);
    ctx.log(`pg-workers: ${events} events × ${base}, 1 then 3 worker processes × ${ctx.options.repeats}`);
    const one = await repeatRuns(ctx, pgUrl, events, 1);
    const three = await repeatRuns(ctx, pgUrl, events, 3);
    const rate1 = median(one.map((r) => r.perSecond));
    const rate3 = median(three.map((r) => r.perSecond));
    const ceiling = (WORKER_IN_FLIGHT * 1000) / DELAY_MS;
    return [
      { scenario: 'pg-workers', figure: `deliveries/s, ${base}, 1 worker`, value: rate1, unit: 'deliveries/s', note: short(one) ?? `ceiling ${ceiling}/s` },
      { scenario: 'pg-workers', figure: `deliveries/s, ${base}, 3 worker processes`, value: rate3, unit: 'deliveries/s', note: short(three) ?? `ceiling ${3 * ceiling}/s` },
      { scenario: 'pg-workers', figure: 'ratio 3 workers ÷ 1 worker', value: rate1 > 0 ? rate3 / rate1 : null, unit: '×', goal: { on: 'value', op: '>=', target: 2.5 } },
      {
        scenario: 'pg-workers',
        figure: 'most requests in flight to one webhook, 3 worker processes',
        value: Math.max(...three.map((r) => r.maxInFlight)),
        unit: 'requests',
        goal: { on: 'value', op: '<=', target: CONCURRENCY },
        note: `1 worker: ${Math.max(...one.map((r) => r.maxInFlight))}`,
      },
      {
        scenario: 'pg-workers',
        figure: 'worker CPU per delivery, 1 / 3 processes',
        value: median(one.map((r) => r.cpuUsPerDelivery)),
        unit: 'µs',
        note: `3 processes: ${Math.round(median(three.map((r) => r.cpuUsPerDelivery)))} µs`,
      },
    ];
  },
};
