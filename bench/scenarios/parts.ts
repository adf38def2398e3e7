import { apiClient, type Api } from '../api.js';
import { sqliteDatabase } from '../database.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';
import { startServerProcess } from '../server.js';

const FORMATS = ['standard', 'datasaur', 'label-studio', 'labelator'] as const;
const EXPRESS_LIMIT = 100 * 1024;

/** True once the webhook has deliveries and none of them is still queued or in flight. */
async function settled(api: Api, webhookId: string): Promise<boolean> {
  const page = (status: string) => api.call<{ data: unknown[] }>('GET', `/api/v1/webhooks/${webhookId}/deliveries?limit=1${status ? `&status=${status}` : ''}`);
  // The fan-out inserts all parts of an event in one transaction: once one exists, all do.
  if ((await page('')).data.length === 0) return false;
  return (await page('pending')).data.length === 0 && (await page('delivering')).data.length === 0;
}

/**
 * One import of 100,000 documents to four webhooks (one per format) whose receiver answers 413 past 100 kB
 * (Express's default limit): time from the import's commit (its API answer) until the last part has arrived.
 */
export const partsScenario: Scenario = {
  name: 'parts',
  async run(ctx): Promise<Figure[]> {
    const count = scaled(ctx.options, 100_000, 1_000);
    const db = sqliteDatabase(ctx.tmpDir, 'parts');
    const server = await startServerProcess({ databaseUrl: db.url, cpuProfDir: ctx.options.cpuProfDir });
    try {
      const api = apiClient(server.origin, 4);
      const project = await api.createProject('Parts project');
      const hooks: string[] = [];
      for (const format of FORMATS) {
        await ctx.receiver.configure(`parts-${format}`, { kind: 'limit', maxBytes: EXPRESS_LIMIT });
        hooks.push((await api.createWebhook(ctx.receiver.url(`parts-${format}`), { projectId: project.id, events: ['TASKS_CREATED'], format })).id);
      }
      const documents = Array.from({ length: count }, (_, i) => ({
        key: `doc-${i}`,
        name: `Review ${i}`,
        text: `Review ${i}: the battery lasts two days, the screen is bright, and the case feels cheap after a month of use.`,
      }));
      ctx.log(`parts: one import of ${count} documents to ${FORMATS.length} webhooks with a 100 kB receiver`);
      const start = performance.timeOrigin + performance.now();
      await api.call('POST', `/api/v1/projects/${project.id}/documents`, { documents });
      const committed = performance.timeOrigin + performance.now();
      const deadline = Date.now() + 600_000;
      let done = false;
      while (!done && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        done = (await Promise.all(hooks.map((id) => settled(api, id)))).every(Boolean);
      }
      const stats = await ctx.receiver.stats();
      await api.close();
      const groups = FORMATS.map((f) => stats[`parts-${f}`]);
      const last = Math.max(...groups.map((g) => g?.last ?? Number.NaN));
      const requests = groups.reduce((n, g) => n + (g?.distinct ?? 0), 0);
      const refused = groups.reduce((n, g) => n + (g ? g.requests - g.distinct : 0), 0);
      const seconds = (last - committed) / 1000;
      ctx.log(`  API answered in ${((committed - start) / 1000).toFixed(2)} s; last part ${seconds.toFixed(2)} s later; ${requests} requests, ${refused} refused`);
      const note = done ? undefined : 'not settled in 600 s';
      return [
        { scenario: 'parts', figure: `import of ${count} documents: commit to the last part at a 100 kB receiver (4 formats)`, value: seconds, unit: 's', note },
        { scenario: 'parts', figure: 'requests it took (all parts and batches, 4 webhooks)', value: requests, unit: 'requests' },
        { scenario: 'parts', figure: 'requests the receiver refused (413)', value: refused, unit: 'requests' },
      ];
    } finally {
      await server.stop();
    }
  },
};
