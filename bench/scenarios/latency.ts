import { Pool } from 'undici';
import { apiClient } from '../api.js';
import { describeCpu, startCpuWindow, type CpuPerUnit } from '../cpu.js';
import { postgresDatabase, sqliteDatabase, type BenchDatabase } from '../database.js';
import type { Figure } from '../report.js';
import type { Scenario, BenchContext } from '../scenario.js';
import { BENCH_ADMIN_KEY, startServerProcess } from '../server.js';
import { percentile } from '../stats.js';

const RATE = 500;
const PROJECTS = 16;
/** The warm-up at the same rate before the measured run: a fresh process compiles its hot paths first. */
const WARMUP_SECONDS = 3;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `total` PATCHes on schedule at RATE per second (open loop: whether or not earlier ones were answered). */
async function openLoop(pool: Pool, projects: string[], total: number, tag: string): Promise<{ failed: number; seconds: number }> {
  const headers = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE) + 1);
    for (; sent < due; sent++) {
      const i = sent;
      inFlight.push(
        pool
          .request({ method: 'PATCH', path: `/api/v1/projects/${projects[i % projects.length]}`, headers, body: JSON.stringify({ name: `${tag} ${i}` }) })
          .then(async (res) => {
            await res.body.dump();
            if (res.statusCode >= 300) failed++;
          })
          .catch(() => {
            failed++;
          }),
      );
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  return { failed, seconds: (performance.now() - start) / 1000 };
}

/**
 * Scenario 4: an open-loop load of 500 API changes per second for 20 s (each one event); for each event, the time
 * from its timestamp (taken in the committing transaction) to the moment the receiver has read the request. A 3 s
 * warm-up at the same rate, to a webhook of its own, comes first and is reported apart: the measured run is the
 * steady state. On SQLite, and on PostgreSQL when LABELHOOK_BENCH_POSTGRES_URL is set (one `serve` process each).
 */
export const latencyScenario: Scenario = {
  name: 'latency',
  async run(ctx): Promise<Figure[]> {
    const figures = await measureLatency(ctx, sqliteDatabase(ctx.tmpDir, 'latency'), '', 4);
    const pgUrl = ctx.options.postgresUrl;
    if (pgUrl === null) return figures;
    const db = await postgresDatabase(pgUrl);
    try {
      return [...figures, ...(await measureLatency(ctx, db, ', PostgreSQL', 10))];
    } finally {
      await db.drop();
    }
  },
};

/** CPU per event of the measured run, its API call and its delivery: the server's, and on PostgreSQL the database's. */
function cpuRows(cpu: CpuPerUnit, suffix: string): Figure[] {
  if (cpu.databaseUs === null) return [{ scenario: 'latency', figure: 'server CPU per event (API call + delivery, SQLite in-process)', value: cpu.serverUs, unit: 'µs' }];
  return [
    { scenario: 'latency', figure: `server CPU per event (API call + delivery)${suffix}`, value: cpu.serverUs, unit: 'µs' },
    { scenario: 'latency', figure: `server + database CPU per event${suffix}`, value: cpu.totalUs, unit: 'µs' },
  ];
}

/** One warm-up and one measured run against a fresh `serve` on `db`; `suffix` names the database in the rows. */
async function measureLatency(ctx: BenchContext, db: BenchDatabase, suffix: string, p99Goal: number): Promise<Figure[]> {
  const seconds = Math.max(5, Math.round(20 * Math.min(1, ctx.options.scale * 2)));
  const total = RATE * seconds;
  const server = await startServerProcess({ databaseUrl: db.url, cpuProfDir: ctx.options.cpuProfDir });
  const pool = new Pool(server.origin, { connections: 64, pipelining: 1 });
  try {
    const api = apiClient(server.origin);
    const projects: string[] = [];
    for (let i = 0; i < PROJECTS; i++) projects.push((await api.createProject(`Latency project ${i}`)).id);
    const warmHook = await api.createWebhook(ctx.receiver.url('warmup'), { events: ['PROJECT_UPDATED'] });
    await ctx.receiver.reset();
    ctx.log(`latency${suffix}: warm-up, ${RATE} events/s for ${WARMUP_SECONDS} s`);
    const warm = await openLoop(pool, projects, RATE * WARMUP_SECONDS, 'Warm-up');
    await ctx.receiver.waitFor('warmup', RATE * WARMUP_SECONDS - warm.failed, 60_000);
    const warmLat = (await ctx.receiver.stats(true)).warmup?.latencies ?? [];
    // The measured run gets a webhook of its own (same format, same filter), so no warm-up delivery counts.
    await api.call('PATCH', `/api/v1/webhooks/${warmHook.id}`, { enabled: false });
    await api.createWebhook(ctx.receiver.url('latency'), { events: ['PROJECT_UPDATED'] });
    await api.close();
    await ctx.receiver.reset();
    ctx.log(`latency${suffix}: ${RATE} events/s for ${seconds} s (${total} events)`);
    const cpuWindow = await startCpuWindow([server], db);
    const { failed, seconds: sendSeconds } = await openLoop(pool, projects, total, 'Latency');
    const accepted = total - failed;
    const waited = await ctx.receiver.waitFor('latency', accepted, 120_000);
    const stats = (await ctx.receiver.stats(true)).latency;
    const cpu = await cpuWindow.end(stats?.distinct ?? 0);
    const lat = stats?.latencies ?? [];
    ctx.log(`  sent in ${sendSeconds.toFixed(1)} s (${failed} failed); delivered ${stats?.distinct ?? 0}; p50 ${percentile(lat, 50)} ms, p99 ${percentile(lat, 99)} ms (warm-up p99 ${percentile(warmLat, 99)} ms); ${describeCpu(cpu)} per event`);
    const note = waited.reached ? (failed > 0 ? `${failed} API calls failed` : undefined) : `timed out: ${stats?.distinct ?? 0}/${accepted} delivered`;
    const fig = (figure: string, value: number, goal?: Figure['goal']): Figure => ({ scenario: 'latency', figure, value, unit: 'ms', goal, note });
    return [
      fig(`commit → received, p50, ${RATE}/s for ${seconds} s${suffix}`, percentile(lat, 50)),
      fig(`commit → received, p99${suffix}`, percentile(lat, 99), { on: 'value', op: '<=', target: p99Goal }),
      fig(`commit → received, max${suffix}`, lat.length ? lat.reduce((a, b) => Math.max(a, b), 0) : Number.NaN),
      // When the server takes fewer than 500 changes per second, the open loop queues and the latency shows it.
      { scenario: 'latency', figure: `API changes/s achieved (target ${RATE})${suffix}`, value: total / sendSeconds, unit: 'req/s' },
      ...cpuRows(cpu, suffix),
      { scenario: 'latency', figure: `warm-up (first ${WARMUP_SECONDS} s of a fresh process, not in the rows above): p99${suffix}`, value: percentile(warmLat, 99), unit: 'ms' },
    ];
  } finally {
    await pool.close();
    await server.stop();
  }
}
