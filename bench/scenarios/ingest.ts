import { apiClient } from '../api.js';
import { sqliteDatabase } from '../database.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';
import { startServerProcess } from '../server.js';

const MB = 1024 * 1024;

/**
 * Scenario 8: one import of 100,000 documents in one API request (the most one import may carry), with a
 * webhook subscribed to TASKS_CREATED: seconds to the API's answer, to the event's delivery, and peak RSS.
 */
export const ingestScenario: Scenario = {
  name: 'ingest',
  async run(ctx): Promise<Figure[]> {
    const count = scaled(ctx.options, 100_000, 1_000);
    const db = sqliteDatabase(ctx.tmpDir, 'ingest');
    const server = await startServerProcess({ databaseUrl: db.url, cpuProfDir: ctx.options.cpuProfDir });
    try {
      const api = apiClient(server.origin, 2);
      const project = await api.createProject('Ingest project');
      await api.createWebhook(ctx.receiver.url('ingest'), { projectId: project.id, events: ['TASKS_CREATED'] });
      await ctx.receiver.reset();
      const documents = Array.from({ length: count }, (_, i) => ({
        key: `doc-${i}`,
        name: `Review ${i}`,
        text: `Review ${i}: the battery lasts two days, the screen is bright, and the case feels cheap after a month of use.`,
      }));
      const { rss: idleRss } = await server.memory();
      await server.resetPeak();
      ctx.log(`ingest: one import of ${count} documents`);
      const start = performance.timeOrigin + performance.now();
      await api.call('POST', `/api/v1/projects/${project.id}/documents`, { documents });
      const answered = performance.timeOrigin + performance.now();
      const waited = await ctx.receiver.waitFor('ingest', 1, 300_000);
      const delivered = waited.stats.ingest?.last ?? null;
      const { peakRss } = await server.memory();
      await api.close();
      ctx.log(`  answered in ${((answered - start) / 1000).toFixed(2)} s; delivered after ${delivered === null ? '—' : ((delivered - start) / 1000).toFixed(2)} s; peak RSS ${Math.round(peakRss / MB)} MB (idle ${Math.round(idleRss / MB)} MB)`);
      return [
        { scenario: 'ingest', figure: `import of ${count} documents: API answer`, value: (answered - start) / 1000, unit: 's' },
        { scenario: 'ingest', figure: 'import to TASKS_CREATED delivered', value: delivered === null ? null : (delivered - start) / 1000, unit: 's', note: waited.reached ? undefined : 'not delivered in 300 s' },
        { scenario: 'ingest', figure: 'peak RSS of the server during the import', value: peakRss / MB, unit: 'MB' },
        { scenario: 'ingest', figure: 'RSS of the idle server before it', value: idleRss / MB, unit: 'MB' },
      ];
    } finally {
      await server.stop();
    }
  },
};
