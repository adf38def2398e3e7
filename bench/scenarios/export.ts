import { Pool } from 'undici';
import { newIds } from '../../src/ids.js';
import { openStore } from '../../src/store/db.js';
import { apiClient } from '../api.js';
import { sqliteDatabase } from '../database.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';
import { BENCH_ADMIN_KEY, startServerProcess } from '../server.js';

const MB = 1024 * 1024;
const IMPORT_CHUNK = 10_000;

/** Gives every document of the project one annotation with a span and a document label, straight into the database. */
async function seedLabels(databaseUrl: string, projectId: string): Promise<number> {
  const store = openStore(databaseUrl);
  let labels = 0;
  try {
    const member = await store.db.selectFrom('members').select(['id', 'team_id']).orderBy('id').executeTakeFirstOrThrow();
    const docs = await store.db.selectFrom('documents').select('id').where('project_id', '=', projectId).orderBy('id').execute();
    const now = Date.now();
    for (let i = 0; i < docs.length; i += 1000) {
      const part = docs.slice(i, i + 1000);
      const annIds = newIds('ann', part.length, now);
      const lblIds = newIds('lbl', part.length * 2, now);
      await store.db.transaction().execute(async (trx) => {
        const base = { team_id: member.team_id, project_id: projectId, created_at: now, updated_at: now };
        await trx.insertInto('annotations').values(part.map((d, j) => ({ ...base, id: annIds[j]!, document_id: d.id, member_id: member.id }))).execute();
        const label = (j: number, k: number, type: 'SPAN' | 'DOCUMENT') => ({
          ...base,
          id: lblIds[j * 2 + k]!,
          document_id: part[j]!.id,
          annotation_id: annIds[j]!,
          type,
          start_cell_index: 0, start_cell_line: 0, start_token_index: 0, start_char_index: type === 'SPAN' ? 7 : 0,
          end_cell_index: 0, end_cell_line: 0, end_token_index: 0, end_char_index: type === 'SPAN' ? 14 : 0,
          counter: 0, layer: 0, labeled_by: 'LABELER' as const, label_set_item_id: k === 0 ? 'pos' : 'neg', confidence_score: null, labeled_by_user_id: member.id,
        });
        for (let k = 0; k < 2; k++) await trx.insertInto('labels').values(part.map((_, j) => label(j, k, k === 0 ? 'SPAN' : 'DOCUMENT'))).execute();
      });
      labels += part.length * 2;
    }
  } finally {
    await store.close();
  }
  return labels;
}

/** Streams one export to nowhere: seconds to the first byte and to the end, bytes and documents (lines or tasks). */
async function download(origin: string, path: string): Promise<{ firstByteS: number; totalS: number; bytes: number }> {
  const pool = new Pool(origin, { connections: 1 });
  try {
    const start = performance.now();
    const res = await pool.request({ method: 'GET', path, headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` }, headersTimeout: 300_000, bodyTimeout: 300_000 });
    if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`);
    let firstByteS = 0;
    let bytes = 0;
    for await (const chunk of res.body) {
      if (bytes === 0) firstByteS = (performance.now() - start) / 1000;
      bytes += (chunk as Buffer).length;
    }
    return { firstByteS, totalS: (performance.now() - start) / 1000, bytes };
  } finally {
    await pool.close();
  }
}

/**
 * Export of a 100,000-document project (one span and one document label each): documents per second streamed by
 * `GET /projects/{id}/export` in JSONL and Label Studio JSON, time to the first byte, and how far the server's RSS
 * rises above its idle size while it streams (it reads 500 documents at a time, so it should not grow with the project).
 */
export const exportScenario: Scenario = {
  name: 'export',
  async run(ctx): Promise<Figure[]> {
    const count = scaled(ctx.options, 100_000, 1_000);
    const db = sqliteDatabase(ctx.tmpDir, 'export');
    const server = await startServerProcess({ databaseUrl: db.url, cpuProfDir: ctx.options.cpuProfDir });
    try {
      const api = apiClient(server.origin, 2);
      const project = await api.createProject('Export project');
      ctx.log(`export: importing ${count} documents`);
      for (let done = 0; done < count; done += IMPORT_CHUNK) {
        const n = Math.min(IMPORT_CHUNK, count - done);
        const documents = Array.from({ length: n }, (_, i) => ({ key: `doc-${done + i}`, text: `Review ${done + i}: the battery lasts two days, the screen is bright.` }));
        await api.call('POST', `/api/v1/projects/${project.id}/documents`, { documents });
      }
      await api.close();
      const labels = await seedLabels(db.url, project.id);
      ctx.log(`  seeded ${labels} labels`);
      const figures: Figure[] = [];
      for (const format of ['jsonl', 'label-studio'] as const) {
        const { rss: idle } = await server.memory();
        await server.resetPeak();
        const r = await download(server.origin, `/api/v1/projects/${project.id}/export?format=${format}`);
        const { peakRss } = await server.memory();
        const growth = Math.max(0, peakRss - idle) / MB;
        ctx.log(`  ${format}: ${count} documents in ${r.totalS.toFixed(2)} s (${Math.round(count / r.totalS)} docs/s), first byte after ${(r.firstByteS * 1000).toFixed(0)} ms, ${(r.bytes / MB).toFixed(1)} MB, RSS +${growth.toFixed(1)} MB`);
        figures.push(
          { scenario: 'export', figure: `${format} export of ${count} documents: throughput`, value: count / r.totalS, unit: 'docs/s' },
          { scenario: 'export', figure: `${format} export: first byte after`, value: r.firstByteS * 1000, unit: 'ms' },
          { scenario: 'export', figure: `${format} export: peak server RSS growth`, value: growth, unit: 'MB', goal: { on: 'value', op: '<=', target: 100 }, note: `idle ${Math.round(idle / MB)} MB, file ${(r.bytes / MB).toFixed(1)} MB` },
        );
      }
      return figures;
    } finally {
      await server.stop();
      await db.drop();
    }
  },
};
