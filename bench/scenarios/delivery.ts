import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeCpu } from '../cpu.js';
import { postgresDatabase, sqliteDatabase, type BenchDatabase } from '../database.js';
import { drain, type DrainResult } from '../drain.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { BenchContext, Scenario } from '../scenario.js';
import { median } from '../stats.js';

/** True once the scale-out issue has added `labelhook worker`. */
export function workerCommandExists(): boolean {
  return existsSync(fileURLToPath(new URL('../../src/cli/commands/worker.ts', import.meta.url)));
}

function note(results: DrainResult[]): string | undefined {
  const short = results.filter((r) => r.timedOut);
  if (short.length === 0) return undefined;
  return `timed out: ${short.map((r) => `${r.delivered}/${r.expected}`).join(', ')} delivered`;
}

async function repeatDrain(ctx: BenchContext, makeDb: (i: number) => Promise<BenchDatabase>, events: number, workerProcesses?: number): Promise<DrainResult[]> {
  const results: DrainResult[] = [];
  for (let r = 0; r < ctx.options.repeats; r++) {
    const db = await makeDb(r);
    try {
      const result = await drain(ctx, { db, webhookGroups: ['delivery'], events, timeoutMs: 300_000, workerProcesses });
      ctx.log(`  ${db.label} run ${r + 1}: ${result.delivered}/${result.expected} in ${(result.elapsedMs / 1000).toFixed(2)} s → ${Math.round(result.perSecond)}/s, ${describeCpu(result.cpu)} per delivery`);
      results.push(result);
    } finally {
      await db.drop();
    }
  }
  return results;
}

/** Issue 14: a delivery may cost at most this much CPU, the labelhook processes and the database server together. */
const CPU_GOAL = { on: 'value', op: '<=', target: 200 } as const;
/** Issue 14: deliveries/s at least this share of the limit, on SQLite and on PostgreSQL with one process. */
const RATE_GOAL = { on: 'ratio', op: '>=', target: 0.25 } as const;

/** The PostgreSQL server's CPU per delivery, and the total with the labelhook processes' (medians of the runs). */
function postgresCpuRows(results: DrainResult[], what: string, goal?: Figure['goal']): Figure[] {
  return [
    { scenario: 'delivery', figure: `database CPU per delivery (PostgreSQL processes), ${what}`, value: median(results.map((r) => r.cpu.databaseUs ?? Number.NaN)), unit: 'µs' },
    { scenario: 'delivery', figure: `server + database CPU per delivery, PostgreSQL, ${what}`, value: median(results.map((r) => r.cpu.totalUs)), unit: 'µs', goal },
  ];
}

/** Scenario 2: 20,000 committed events, one webhook, deliveries per second until all have succeeded. */
export const deliveryScenario: Scenario = {
  name: 'delivery',
  async run(ctx): Promise<Figure[]> {
    const events = scaled(ctx.options, 20_000, 100);
    const figures: Figure[] = [];
    ctx.log(`delivery: ${events} events, one webhook, SQLite × ${ctx.options.repeats}`);
    const sqlite = await repeatDrain(ctx, async (r) => sqliteDatabase(ctx.tmpDir, `delivery-${r}`), events);
    figures.push({
      scenario: 'delivery',
      figure: `deliveries/s, ${events} events, SQLite`,
      value: median(sqlite.map((r) => r.perSecond)),
      unit: 'deliveries/s',
      relativeToLimit: true,
      goal: RATE_GOAL,
      note: note(sqlite),
    });
    // CPU per delivery is what the server costs regardless of how busy the machine was during the run. SQLite
    // runs inside the server process, so this is server + database.
    figures.push({ scenario: 'delivery', figure: 'server CPU per delivery, SQLite (in-process: server + database)', value: median(sqlite.map((r) => r.cpuUsPerDelivery)), unit: 'µs', goal: CPU_GOAL });
    const pgUrl = ctx.options.postgresUrl;
    if (pgUrl === null) {
      figures.push({ scenario: 'delivery', figure: 'deliveries/s, PostgreSQL', value: null, unit: 'deliveries/s', note: 'skipped: LABELHOOK_BENCH_POSTGRES_URL not set' });
      return figures;
    }
    ctx.log(`delivery: ${events} events, one webhook, PostgreSQL (1 process) × ${ctx.options.repeats}`);
    const pg1 = await repeatDrain(ctx, () => postgresDatabase(pgUrl), events);
    figures.push({
      scenario: 'delivery',
      figure: `deliveries/s, ${events} events, PostgreSQL, 1 worker`,
      value: median(pg1.map((r) => r.perSecond)),
      unit: 'deliveries/s',
      relativeToLimit: true,
      goal: RATE_GOAL,
      note: note(pg1),
    });
    figures.push(...postgresCpuRows(pg1, '1 worker', CPU_GOAL));
    if (!workerCommandExists()) {
      figures.push({ scenario: 'delivery', figure: 'deliveries/s, PostgreSQL, 3 workers', value: null, unit: 'deliveries/s', note: 'skipped: `labelhook worker` does not exist yet (scale-out issue)' });
      return figures;
    }
    ctx.log(`delivery: ${events} events, one webhook, PostgreSQL (3 worker processes) × ${ctx.options.repeats}`);
    const pg3 = await repeatDrain(ctx, () => postgresDatabase(pgUrl), events, 3);
    figures.push({
      scenario: 'delivery',
      figure: `deliveries/s, ${events} events, PostgreSQL, 3 worker processes`,
      value: median(pg3.map((r) => r.perSecond)),
      unit: 'deliveries/s',
      relativeToLimit: true,
      note: note(pg3),
    });
    figures.push({ scenario: 'delivery', figure: 'worker CPU per delivery, PostgreSQL, 1 / 3 processes', value: median(pg1.map((r) => r.cpuUsPerDelivery)), unit: 'µs', note: `3 processes: ${Math.round(median(pg3.map((r) => r.cpuUsPerDelivery)))} µs` });
    figures.push(...postgresCpuRows(pg3, '3 worker processes'));
    return figures;
  },
};
