import { apiClient } from './api.js';
import { startCpuWindow, type CpuPerUnit } from './cpu.js';
import type { BenchDatabase } from './database.js';
import { seedEvents } from './seed.js';
import type { BenchContext } from './scenario.js';
import { startServerProcess } from './server.js';

/** What a drain run measured. */
export interface DrainResult {
  /** Successful deliveries seen by the receiver in the measured groups. */
  delivered: number;
  expected: number;
  /** Worker start (the server reporting ready, or the first arrival if earlier) to the last arrival. */
  elapsedMs: number;
  /** delivered / elapsed. */
  perSecond: number;
  /** The largest peak RSS of the delivering processes. */
  peakRssBytes: number;
  /** CPU time the delivering processes spent per delivery (user + system, from start to the last delivery), in µs. */
  cpuUsPerDelivery: number;
  /** The same window's CPU per delivery: the delivering processes and, on PostgreSQL, the database server. */
  cpu: CpuPerUnit;
  timedOut: boolean;
}

export interface DrainPlan {
  db: BenchDatabase;
  /** Receiver groups of the webhooks to create, e.g. ['delivery'] or ['healthy', 'healthy', 'hang']. */
  webhookGroups: string[];
  /** Events committed to the outbox before the worker starts; every webhook subscribes to all of them. */
  events: number;
  /** The receiver groups whose deliveries are counted (default: all of webhookGroups). */
  measure?: string[];
  env?: Record<string, string>;
  timeoutMs: number;
  /** Deliver with this many `labelhook worker` processes instead of one `labelhook serve` (PostgreSQL only). */
  workerProcesses?: number;
}

/**
 * Creates the webhooks with a server that has no worker, commits the events into the outbox, then starts the
 * server under test with its worker and times how long the receiver takes to get every delivery.
 */
export async function drain(ctx: BenchContext, plan: DrainPlan): Promise<DrainResult> {
  const setup = await startServerProcess({ databaseUrl: plan.db.url, worker: false, env: plan.env });
  let projectId: string;
  try {
    const api = apiClient(setup.origin);
    const project = await api.createProject('Bench drain');
    projectId = project.id;
    const counters = new Map<string, number>();
    for (const group of plan.webhookGroups) {
      const n = counters.get(group) ?? 0;
      counters.set(group, n + 1);
      await api.createWebhook(ctx.receiver.url(group, String(n)), { projectId });
    }
    await api.close();
  } finally {
    await setup.stop();
  }
  const seedStart = performance.now();
  await seedEvents(plan.db.url, projectId, plan.events);
  ctx.log(`  committed ${plan.events} events in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const measure = plan.measure ?? [...new Set(plan.webhookGroups)];
  const expected = plan.events * plan.webhookGroups.filter((g) => measure.includes(g)).length;
  await ctx.receiver.reset();
  for (const group of new Set(plan.webhookGroups)) {
    if (group.startsWith('hang')) await ctx.receiver.configure(group, { kind: 'hang' });
  }
  const servers = plan.workerProcesses
    ? await Promise.all(
        Array.from({ length: plan.workerProcesses }, () => startServerProcess({ databaseUrl: plan.db.url, role: 'worker', env: plan.env, cpuProfDir: ctx.options.cpuProfDir })),
      )
    : [await startServerProcess({ databaseUrl: plan.db.url, env: plan.env, cpuProfDir: ctx.options.cpuProfDir })];
  const readyAt = performance.timeOrigin + performance.now();
  try {
    const cpuWindow = await startCpuWindow(servers, plan.db);
    let timedOut = false;
    const deadline = Date.now() + plan.timeoutMs;
    let delivered = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = readyAt;
    // All measured groups must reach their share; the receiver answers at once when they already have.
    for (const group of measure) {
      const want = plan.events * plan.webhookGroups.filter((g) => g === group).length;
      const waited = await ctx.receiver.waitFor(group, want, Math.max(1, deadline - Date.now()));
      if (!waited.reached) timedOut = true;
    }
    const stats = await ctx.receiver.stats();
    for (const group of measure) {
      const s = stats[group];
      if (!s) continue;
      delivered += s.distinct;
      if (s.first !== null) first = Math.min(first, s.first);
      if (s.last !== null) last = Math.max(last, s.last);
    }
    const start = Math.min(readyAt, first);
    const elapsedMs = Math.max(1, last - start);
    const cpu = await cpuWindow.end(delivered);
    const peakRss = Math.max(...(await Promise.all(servers.map((s) => s.memory()))).map((m) => m.peakRss));
    return { delivered, expected, elapsedMs, perSecond: (delivered / elapsedMs) * 1000, peakRssBytes: peakRss, cpuUsPerDelivery: cpu.serverUs, cpu, timedOut };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
