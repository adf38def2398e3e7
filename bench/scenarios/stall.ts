import { Pool } from 'undici';
import { apiClient } from '../api.js';
import { sqliteDatabase } from '../database.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { BenchContext, Scenario } from '../scenario.js';
import { BENCH_ADMIN_KEY, startServerProcess } from '../server.js';
import { median, percentile } from '../stats.js';

/** Pause between two GET /me of the other team's client (one request in flight at a time). */
const POLL_GAP_MS = 5;

interface Latencies {
  p50: number;
  p99: number;
  max: number;
  count: number;
  /** Wall time of the bulk request itself. */
  bulkMs: number;
}

/** One request sent with a body serialized in advance, its answer drained unparsed (the bench's loop stays free). */
async function send(pool: Pool, key: string, method: 'POST' | 'DELETE', path: string, body: string): Promise<void> {
  const res = await pool.request({
    method,
    path,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
    headersTimeout: 300_000,
    bodyTimeout: 300_000,
  });
  await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
  if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}`);
}

/** Runs `bulk` while another team's client polls GET /api/v1/me; answers the GET /me latencies. */
async function measureDuring(origin: string, otherKey: string, bulk: () => Promise<void>): Promise<Latencies> {
  const pool = new Pool(origin, { connections: 1 });
  const samples: number[] = [];
  let running = true;
  const poll = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'GET', path: '/api/v1/me', headers: { authorization: `Bearer ${otherKey}` } });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET /me answered ${res.statusCode}`);
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, POLL_GAP_MS));
    }
  })();
  // A few polls before the bulk request, so the connection is open and the first sample is not a handshake.
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  try {
    await bulk();
  } finally {
    running = false;
  }
  const bulkMs = performance.now() - t0;
  await poll;
  await pool.close();
  return { p50: median(samples), p99: percentile(samples, 99), max: Math.max(...samples), count: samples.length, bulkMs };
}

function figures(what: string, l: Latencies): Figure[] {
  return [
    { scenario: 'stall', figure: `${what}: the request itself`, value: l.bulkMs / 1000, unit: 's' },
    { scenario: 'stall', figure: `${what}: other team's GET /me p50`, value: l.p50, unit: 'ms' },
    { scenario: 'stall', figure: `${what}: other team's GET /me p99`, value: l.p99, unit: 'ms', goal: { on: 'value', op: '<=', target: 100 } },
    { scenario: 'stall', figure: `${what}: other team's GET /me max`, value: l.max, unit: 'ms', note: `${l.count} requests` },
  ];
}

/** The four bulk requests against one server; answers their figures, labelled with `where`. */
async function bulkWork(ctx: BenchContext, where: string, worker: boolean): Promise<Figure[]> {
  const count = scaled(ctx.options, 100_000, 1_000);
  const labelCount = scaled(ctx.options, 10_000, 100);
  const db = sqliteDatabase(ctx.tmpDir, `stall-${worker ? 'engine' : 'api'}`);
  const server = await startServerProcess({ databaseUrl: db.url, worker, cpuProfDir: ctx.options.cpuProfDir });
  const api = apiClient(server.origin, 2);
  const bulkPool = new Pool(server.origin, { connections: 1 });
  const report = (what: string, l: Latencies) =>
    ctx.log(`  ${what} ${(l.bulkMs / 1000).toFixed(2)} s; GET /me p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (${l.count} requests)`);
  try {
    const other = await api.call<{ apiKey: string }>('POST', '/api/v1/teams', { name: 'Other team' });
    const project = await api.createProject('Stall project');
    await api.createWebhook(ctx.receiver.url('stall'), { projectId: project.id });
    const documents = Array.from({ length: count }, (_, i) => ({
      key: `doc-${i}`,
      name: `Review ${i}`,
      text: `Review ${i}: the battery lasts two days, the screen is bright, and the case feels cheap after a month of use.`,
    }));
    const importBody = JSON.stringify({ documents });
    ctx.log(`stall (${where}): import of ${count} documents (${(importBody.length / 1e6).toFixed(1)} MB) while another team polls GET /me`);
    const imported = await measureDuring(server.origin, other.apiKey, () => send(bulkPool, BENCH_ADMIN_KEY, 'POST', `/api/v1/projects/${project.id}/documents`, importBody));
    report('import', imported);

    const ids: string[] = [];
    for (let cursor: string | null = null; ; ) {
      const res: { data: { id: string }[]; nextCursor: string | null } = await api.call('GET', `/api/v1/projects/${project.id}/documents?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...res.data.map((d) => d.id));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    const label = (i: number) => ({ labelSetItemId: i % 2 ? 'pos' : 'neg', startCharIndex: 0, endCharIndex: 6, counter: i });
    const labelBody = JSON.stringify({ toUpsertList: Array.from({ length: labelCount }, (_, i) => label(i)) });
    ctx.log(`stall (${where}): update of ${labelCount} labels on one document`);
    const labeled = await measureDuring(server.origin, other.apiKey, () => send(bulkPool, BENCH_ADMIN_KEY, 'POST', `/api/v1/documents/${ids[0]!}/labels`, labelBody));
    report('label update', labeled);

    // The bulk label update at its limits: the same number of labels over up to 1,000 other documents.
    const bulkDocs = ids.slice(1, 1 + Math.min(1_000, labelCount));
    const perDoc = Math.ceil(labelCount / bulkDocs.length);
    const bulkBody = JSON.stringify({ documents: bulkDocs.map((id) => ({ documentId: id, toUpsertList: Array.from({ length: perDoc }, (_, i) => label(i)) })) });
    ctx.log(`stall (${where}): bulk update of ${perDoc * bulkDocs.length} labels on ${bulkDocs.length} documents`);
    const bulkLabeled = await measureDuring(server.origin, other.apiKey, () => send(bulkPool, BENCH_ADMIN_KEY, 'POST', `/api/v1/projects/${project.id}/labels`, bulkBody));
    report('bulk label update', bulkLabeled);
    ctx.log(`stall (${where}): delete of the ${ids.length} documents`);
    const deleted = await measureDuring(server.origin, other.apiKey, () => send(bulkPool, BENCH_ADMIN_KEY, 'DELETE', `/api/v1/projects/${project.id}/documents`, JSON.stringify({ ids })));
    report('delete', deleted);
    return [
      ...figures(`${where}, import of ${count} documents`, imported),
      ...figures(`${where}, update of ${labelCount} labels`, labeled),
      ...figures(`${where}, bulk update of ${labelCount} labels on ${Math.min(1_000, labelCount)} documents`, bulkLabeled),
      ...figures(`${where}, delete of ${ids.length} documents`, deleted),
    ];
  } finally {
    await bulkPool.close();
    await api.close();
    await server.stop();
  }
}

/**
 * Scenario: one team's bulk work (a 100,000-document import, a 10,000-label update on one document and one over 1,000
 * documents, deleting the import) while another team's client polls GET /api/v1/me, against `labelhook serve
 * --no-worker` (API only, workers elsewhere) and against `labelhook serve` with the delivery engine in the same process
 * and a webhook subscribed to every event.
 */
export const stallScenario: Scenario = {
  name: 'stall',
  async run(ctx): Promise<Figure[]> {
    return [...(await bulkWork(ctx, 'API only', false)), ...(await bulkWork(ctx, 'API + engine', true))];
  },
};
