import { apiClient } from '../api.js';
import { describeCpu, startCpuWindow } from '../cpu.js';
import { sqliteDatabase } from '../database.js';
import { closedLoop } from '../load.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';
import { BENCH_ADMIN_KEY, startServerProcess } from '../server.js';

const CLIENTS = 64;

/**
 * Scenario 3: 64 concurrent API clients, each call renaming one of 64 projects (one PROJECT_UPDATED event per
 * call), until every event has been delivered to one webhook: events per second, end to end.
 */
export const endToEndScenario: Scenario = {
  name: 'end-to-end',
  async run(ctx): Promise<Figure[]> {
    const calls = scaled(ctx.options, 20_000, 200);
    const db = sqliteDatabase(ctx.tmpDir, 'e2e');
    const server = await startServerProcess({ databaseUrl: db.url, cpuProfDir: ctx.options.cpuProfDir });
    try {
      const api = apiClient(server.origin);
      const projects: string[] = [];
      for (let i = 0; i < CLIENTS; i++) projects.push((await api.createProject(`E2E project ${i}`)).id);
      await api.createWebhook(ctx.receiver.url('e2e'), { events: ['PROJECT_UPDATED'] });
      await api.close();
      await ctx.receiver.reset();
      ctx.log(`end-to-end: ${calls} PATCH /projects/{id} calls from ${CLIENTS} clients`);
      const cpuWindow = await startCpuWindow([server], db);
      const start = performance.timeOrigin + performance.now();
      const headers = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
      const load = await closedLoop(server.origin, { concurrency: CLIENTS, count: calls }, (i) => ({
        method: 'PATCH',
        path: `/api/v1/projects/${projects[i % CLIENTS]}`,
        headers,
        body: JSON.stringify({ name: `E2E project ${i % CLIENTS} rev ${i}` }),
      }));
      ctx.log(`  API: ${load.completed} ok, ${load.failed} failed in ${(load.elapsedMs / 1000).toFixed(2)} s`);
      const waited = await ctx.receiver.waitFor('e2e', load.completed, 300_000);
      const s = waited.stats.e2e;
      const last = s?.last ?? start;
      const delivered = s?.distinct ?? 0;
      const elapsedMs = Math.max(1, last - start);
      // The API calls and their deliveries: all the server did for each event, from the first call to the last delivery.
      const cpu = await cpuWindow.end(delivered);
      const { peakRss } = await server.memory();
      ctx.log(`  delivered ${delivered} in ${(elapsedMs / 1000).toFixed(2)} s, ${describeCpu(cpu)} per event, peak RSS ${Math.round(peakRss / 1048576)} MB`);
      const note = waited.reached ? (load.failed > 0 ? `${load.failed} API calls failed` : undefined) : `timed out: ${delivered}/${load.completed} delivered`;
      return [
        { scenario: 'end-to-end', figure: `events/s, API call to delivery, ${CLIENTS} clients, SQLite`, value: (delivered / elapsedMs) * 1000, unit: 'events/s', relativeToLimit: true, goal: { on: 'ratio', op: '>=', target: 0.15 }, note },
        { scenario: 'end-to-end', figure: 'API calls/s (each commits one event)', value: (load.completed / load.elapsedMs) * 1000, unit: 'req/s', relativeToLimit: true },
        { scenario: 'end-to-end', figure: 'server CPU per event delivered (its API call included), SQLite', value: cpu.serverUs, unit: 'µs' },
      ];
    } finally {
      await server.stop();
    }
  },
};
