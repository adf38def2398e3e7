import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadUrl } from '../../src/export/download-link.js';
import { pruneExportFiles } from '../../src/export/export-pruning.js';
import { startEngine, type Engine } from '../../src/webhooks/engine.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { addTeam } from '../helpers/team-fixtures.js';
import { FAST, startReceiver, type Receiver } from '../webhooks/receiver.js';
import { waitUntil } from '../helpers/wait.js';
import { buildLabeledProject, call } from './labeled-project.js';

/** What the pipeline receiver did with one EXPORT_COMPLETED: the body it got and the file it downloaded. */
interface Pickup {
  path: string;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each format's body
  file: { status: number; text: string };
}

const HOUR = 3_600_000;

describe.each(BACKENDS)('export jobs, EXPORT_COMPLETED and signed downloads (%s)', (backend) => {
  let t: TestApp;
  let engine: Engine;
  let receiver: Receiver;
  let base: string;
  let dir: string;
  let offset = 0;
  const pickups: Pickup[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-exports-'));
    t = await createTestApp(backend, { ...FAST, exportDir: dir }, { clock: () => Date.now() + offset });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    t.ctx.config.publicUrl = base;
    engine = startEngine(t.ctx);
    // A training pipeline: on EXPORT_COMPLETED it downloads the file by the URL in the event, with no API key.
    receiver = await startReceiver((req, res) => {
      const body = JSON.parse(req.body);
      // Labelator batches event types it lacks as arrays of standard bodies.
      const one = Array.isArray(body) ? body[0] : body;
      const url: string | undefined = one.data?.export?.downloadUrl ?? one.export?.downloadUrl ?? one.fileUrl;
      if (!url) return void res.end('{}');
      void fetch(url).then(async (r) => {
        pickups.push({ path: req.path, body, file: { status: r.status, text: await r.text() } });
        res.end('{}');
      });
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await receiver?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const waitFor = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> => waitUntil(what, probe, { intervalMs: 20 });
  const hook = (path: string, format: string, projectId: string) =>
    call(t.app, t.adminKey, 'POST', '/webhooks', { url: `${receiver.url}${path}`, events: ['EXPORT_COMPLETED'], projectId, format }, 201);
  const streamed = async (projectId: string, query: string) => (await t.app.inject({ url: `/api/v1/projects/${projectId}/export?${query}`, headers: bearer(t.adminKey) })).body;

  it('auto-export on PROJECT_REVIEWED: every format delivers EXPORT_COMPLETED, the receiver downloads exactly the project data', async () => {
    const p = await buildLabeledProject(t.app, t.adminKey, 'Auto');
    const view = await call(t.app, t.adminKey, 'PATCH', `/projects/${p.projectId}`, { autoExport: { on: ['PROJECT_REVIEWED'], format: 'jsonl', status: 'reviewed' } }, 200);
    expect(view.autoExport).toEqual({ on: ['PROJECT_REVIEWED'], format: 'jsonl', status: 'reviewed' });
    for (const format of ['standard', 'datasaur', 'label-studio', 'labelator']) await hook(`/${format}`, format, p.projectId);
    await call(t.app, p.labelerKey, 'POST', `/projects/${p.projectId}/complete`, { mode: 'labeler' }, 200);
    expect(await call(t.app, t.adminKey, 'GET', `/projects/${p.projectId}/exports`, undefined, 200)).toEqual({ data: [], nextCursor: null });
    await call(t.app, p.reviewerKey, 'POST', `/projects/${p.projectId}/complete`, { mode: 'reviewer' }, 200);
    const got = await waitFor('the four receivers to fetch the export', () => (pickups.length >= 4 ? pickups.slice(0, 4) : undefined));
    const expected = await streamed(p.projectId, 'format=jsonl&status=reviewed');
    expect(expected.trimEnd().split('\n')).toHaveLength(3); // a reviewed project: every document is reviewed
    const sha = createHash('sha256').update(expected).digest('hex');
    for (const g of got) expect(g.file).toEqual({ status: 200, text: expected });
    const at = (path: string) => got.find((g) => g.path === path)!.body;
    const file = at('/standard').data.export;
    expect(at('/standard').type).toBe('EXPORT_COMPLETED');
    expect(file).toMatchObject({ projectId: p.projectId, format: 'jsonl', status: 'reviewed', trigger: 'PROJECT_REVIEWED', documentCount: 3, labelCount: 8, sha256: sha, byteSize: Buffer.byteLength(expected) });
    expect(at('/labelator')).toEqual([at('/standard')]);
    expect(at('/datasaur')).toEqual({ userId: at('/standard').data.actor.id, fileUrl: file.downloadUrl, projectId: p.projectId, documentId: null, export: file });
    // Label Studio's project id is the project's integer alias.
    const project = await call(t.app, t.adminKey, 'GET', `/projects/${p.projectId}`, undefined, 200);
    expect(at('/label-studio')).toMatchObject({ action: 'EXPORT_COMPLETED', export: file, project: { id: project.num } });
    const [job] = (await call(t.app, t.adminKey, 'GET', `/projects/${p.projectId}/exports`, undefined, 200)).data;
    expect(job).toMatchObject({ id: file.id, state: 'completed', trigger: 'PROJECT_REVIEWED', sha256: sha, attempts: 1 });
  });

  it('the signed URL needs no key, fails when altered, for another team and after it expires (403 saying which)', async () => {
    const p = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Links' }, 201);
    const other = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Other' }, 201);
    const job = await call(t.app, t.adminKey, 'POST', `/projects/${p.id}/exports`, { format: 'csv' }, 202);
    const otherJob = await call(t.app, t.adminKey, 'POST', `/projects/${other.id}/exports`, {}, 202);
    expect(job).toMatchObject({ state: 'queued', format: 'csv', status: 'all', downloadUrl: null });
    const done = await waitFor('the export job to complete', async () => {
      const j = await call(t.app, t.adminKey, 'GET', `/exports/${job.id}`, undefined, 200);
      return j.state === 'completed' ? j : undefined;
    });
    await waitFor("the other project's export job to complete", async () => ((await call(t.app, t.adminKey, 'GET', `/exports/${otherJob.id}`, undefined, 200)).state === 'completed' ? true : undefined));
    const url = new URL(done.downloadUrl);
    const get = async (u: URL | string, headers: Record<string, string> = {}) => {
      const r = await fetch(u, { headers });
      return { status: r.status, text: await r.text() };
    };
    const ok = await get(url);
    expect(ok).toEqual({ status: 200, text: await streamed(p.id, 'format=csv') });
    const code = (r: { text: string }) => JSON.parse(r.text).error.code;
    const altered = (mutate: (u: URL) => void) => {
      const u = new URL(url);
      mutate(u);
      return u;
    };
    const sig = url.searchParams.get('sig')!;
    const tampered = await get(altered((u) => u.searchParams.set('sig', `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)));
    expect([tampered.status, code(tampered)]).toEqual([403, 'download_link_invalid']);
    const longer = await get(altered((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + HOUR))));
    expect([longer.status, code(longer)]).toEqual([403, 'download_link_invalid']);
    const swapped = await get(altered((u) => (u.pathname = u.pathname.replace(job.id, otherJob.id))));
    expect([swapped.status, code(swapped)]).toEqual([403, 'download_link_invalid']);
    expect((await get(altered((u) => u.searchParams.delete('sig')))).status).toBe(403);
    // Another team: its key does not open our file, even with the link.
    const stranger = await addTeam(t.app, t.adminKey, 'Strangers');
    expect((await get(url, bearer(stranger.apiKey))).status).toBe(404);
    expect((await get(`${base}/api/v1/exports/${job.id}`, bearer(stranger.apiKey))).status).toBe(404);
    expect((await get(url, bearer(t.adminKey))).status).toBe(200);
    offset += t.ctx.config.exportLinkTtlMs + 1000;
    try {
      const expired = await get(url);
      expect([expired.status, code(expired)]).toEqual([403, 'download_link_expired']);
      expect(JSON.parse(expired.text).error.message).toMatch(/expired/);
      // A fresh link from the job works again.
      const fresh = await call(t.app, t.adminKey, 'GET', `/exports/${job.id}`, undefined, 200);
      expect((await get(fresh.downloadUrl)).status).toBe(200);
    } finally {
      offset = 0;
    }
  });

  it('a job left running by a dead process is claimed again once its lease runs out', async () => {
    const p = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Orphan' }, 201);
    const now = Date.now();
    const team = await t.ctx.store.db.selectFrom('projects').select('team_id').where('id', '=', p.id).executeTakeFirstOrThrow();
    await t.ctx.store.db
      .insertInto('export_jobs')
      .values({ id: `exp_orphan${backend}`, team_id: team.team_id, project_id: p.id, format: 'label-studio', status_filter: 'all', since: null, trigger: 'api', requested_by: null, state: 'running', attempts: 1, lease_owner: 'dead-host:1', lease_expires_at: now - 1, created_at: now, updated_at: now })
      .execute();
    const job = await waitFor('the orphaned export job to complete', async () => {
      const j = await call(t.app, t.adminKey, 'GET', `/exports/exp_orphan${backend}`, undefined, 200);
      return j.state === 'completed' ? j : undefined;
    });
    expect(job).toMatchObject({ attempts: 2, documentCount: 0, labelCount: 0 });
    expect(JSON.parse((await fetch(job.downloadUrl).then((r) => r.text())) || 'null')).toEqual([]);
  });

  it('fails after three tries with EXPORT_FAILED when the file cannot be written', async () => {
    const p = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Doomed' }, 201);
    await call(t.app, t.adminKey, 'POST', '/webhooks', { url: `${receiver.url}/failed`, events: ['EXPORT_FAILED'], projectId: p.id }, 201);
    const good = t.ctx.config.exportDir;
    t.ctx.config.exportDir = join(dir, 'not-a-dir', '\u0000');
    try {
      const job = await call(t.app, t.adminKey, 'POST', `/projects/${p.id}/exports`, { format: 'jsonl' }, 202);
      const failed = await waitFor('the export job to fail', async () => {
        const j = await call(t.app, t.adminKey, 'GET', `/exports/${job.id}`, undefined, 200);
        return j.state === 'failed' ? j : undefined;
      });
      expect(failed.attempts).toBe(3);
      expect(failed.error).toBeTruthy();
      const [hit] = await receiver.waitFor((rs) => rs.some((r) => r.path === '/failed'), 'the EXPORT_FAILED delivery');
      const body = JSON.parse(receiver.received.find((r) => r.path === '/failed')!.body);
      expect(hit).toBeDefined();
      expect(body).toMatchObject({ type: 'EXPORT_FAILED', data: { export: { id: job.id, attempts: 3, format: 'jsonl' } } });
    } finally {
      t.ctx.config.exportDir = good;
    }
  });

  it('prunes files older than the retention; their download answers 410', async () => {
    const p = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Old' }, 201);
    const job = await call(t.app, t.adminKey, 'POST', `/projects/${p.id}/exports`, {}, 202);
    const done = await waitFor('the export job to complete', async () => {
      const j = await call(t.app, t.adminKey, 'GET', `/exports/${job.id}`, undefined, 200);
      return j.state === 'completed' ? j : undefined;
    });
    expect(existsSync(join(dir, done.fileName))).toBe(true);
    expect(await pruneExportFiles(t.ctx)).toBe(0);
    // Files no job holds: a deleted project's, and a temporary file a crash left behind.
    writeFileSync(join(dir, 'exp_0deletedproject.jsonl'), '{}\n');
    writeFileSync(join(dir, `${done.fileName}.4242.tmp`), '{');
    expect(await pruneExportFiles(t.ctx)).toBe(0);
    expect(existsSync(join(dir, 'exp_0deletedproject.jsonl'))).toBe(true); // younger than the retention
    offset += t.ctx.config.exportRetentionMs + 1000;
    try {
      expect(await pruneExportFiles(t.ctx)).toBeGreaterThanOrEqual(1);
      expect(existsSync(join(dir, done.fileName))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith('exp_0deleted') || f.endsWith('.tmp'))).toEqual([]);
      // The old link expired (retention > link lifetime); a link signed now meets the pruned file.
      expect((await fetch(done.downloadUrl)).status).toBe(403);
      const row = await t.ctx.store.db.selectFrom('export_jobs').select('team_id').where('id', '=', job.id).executeTakeFirstOrThrow();
      const gone = await fetch(downloadUrl(t.ctx, job.id, row.team_id, t.ctx.clock() + HOUR));
      expect(gone.status).toBe(410);
      expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('export_pruned');
      const after = await call(t.app, t.adminKey, 'GET', `/exports/${job.id}`, undefined, 200);
      expect(after).toMatchObject({ downloadUrl: null, sha256: done.sha256 });
      expect(after.prunedAt).not.toBeNull();
    } finally {
      offset = 0;
    }
  });
});
