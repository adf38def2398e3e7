import { apiClient } from '../api.js';
import { startCpuWindow } from '../cpu.js';
import { sqliteDatabase } from '../database.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';
import { startServerProcess } from '../server.js';
import { median } from '../stats.js';

const RESULTS_SETTLE_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Scenario 7: one event to 1,000 webhooks; time from the event's timestamp until the last one has it. */
export const fanOutScenario: Scenario = {
  name: 'fan-out',
  async run(ctx): Promise<Figure[]> {
    const hooks = scaled(ctx.options, 1_000, 10);
    const db = sqliteDatabase(ctx.tmpDir, 'fan-out');
    // One team with more webhooks than the default per-team cap (300): raise it for this measurement.
    const server = await startServerProcess({ databaseUrl: db.url, cpuProfDir: ctx.options.cpuProfDir, env: { LABELHOOK_MAX_WEBHOOKS_PER_TEAM: String(hooks) } });
    try {
      const api = apiClient(server.origin, 8);
      const project = await api.createProject('Fan-out project');
      ctx.log(`fan-out: creating ${hooks} webhooks`);
      for (let i = 0; i < hooks; i += 8) {
        await Promise.all(
          Array.from({ length: Math.min(8, hooks - i) }, (_, k) => api.createWebhook(ctx.receiver.url('fan', String(i + k)), { projectId: project.id, events: ['PROJECT_UPDATED'] })),
        );
      }
      const times: number[] = [];
      const cpus: number[] = [];
      let timedOut = 0;
      for (let r = 0; r < ctx.options.repeats; r++) {
        await ctx.receiver.reset();
        const cpuWindow = await startCpuWindow([server], db);
        await api.call('PATCH', `/api/v1/projects/${project.id}`, { name: `Fan-out project rev ${r}` });
        const waited = await ctx.receiver.waitFor('fan', hooks, 120_000);
        if (!waited.reached) timedOut++;
        // The one API call and its fan-out are in it, spread over the deliveries it caused; the short wait lets the
        // server write the results of the last requests (they wait up to 20 ms to share a transaction).
        await sleep(RESULTS_SETTLE_MS);
        const cpu = await cpuWindow.end(waited.stats.fan?.distinct ?? 0);
        cpus.push(cpu.serverUs);
        const lat = (await ctx.receiver.stats(true)).fan?.latencies ?? [];
        const all = lat.length ? lat.reduce((a, b) => Math.max(a, b), 0) : Number.NaN;
        ctx.log(`  round ${r + 1}: ${waited.stats.fan?.distinct ?? 0}/${hooks} in ${all.toFixed(0)} ms, server CPU ${Math.round(cpu.serverUs)} µs per delivery`);
        times.push(all);
      }
      await api.close();
      const time = median(times);
      const note = timedOut > 0 ? `${timedOut} round(s) timed out` : undefined;
      return [
        { scenario: 'fan-out', figure: `one event to ${hooks} webhooks: time until all delivered`, value: time, unit: 'ms', note },
        { scenario: 'fan-out', figure: 'the same as deliveries/s', value: (hooks / time) * 1000, unit: 'deliveries/s', relativeToLimit: true },
        { scenario: 'fan-out', figure: `server CPU per delivery, one event to ${hooks} webhooks`, value: median(cpus), unit: 'µs' },
      ];
    } finally {
      await server.stop();
    }
  },
};
