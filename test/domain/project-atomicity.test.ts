import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/domain/api-keys.js';
import type { Principal } from '../../src/domain/principal.js';
import { completeProject } from '../../src/domain/project-completion.js';
import { createProject, deleteProject, updateProject } from '../../src/domain/projects.js';
import { newId } from '../../src/ids.js';
import { BACKENDS } from '../helpers/backends.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

// The fault: the events table is renamed away, so the change succeeds and its event insert fails inside
// the same transaction. The outbox promise (docs/architecture.md) is that the change is rolled back with it.
describe.each(BACKENDS)('project changes and their events commit together (%s)', (backend) => {
  let t: TestApp;
  let admin: Principal;
  let projectId: string;
  let committed = 0;

  beforeAll(async () => {
    t = await createTestApp(backend);
    t.ctx.commitSignal.on('eventsCommitted', () => void (committed += 1));
    admin = await authenticate(t.ctx.store.db, t.adminKey);
  });
  afterAll(async () => t.close());

  beforeEach(async () => {
    const p = await createProject(t.ctx, admin, { name: 'Kept', labelSet: [{ id: 'a', label: 'A' }] });
    projectId = p.id;
    const now = Date.now();
    await t.ctx.store.db
      .insertInto('documents')
      .values({ id: newId('doc', now), team_id: admin.teamId, project_id: p.id, key: 'k', name: 'd', text: 't', data: null, status: 'active', created_at: now, updated_at: now })
      .execute();
    await sql`alter table events rename to events_broken`.execute(t.ctx.store.db);
    // Start counting once the set-up's own announcements have arrived.
    await new Promise((r) => setImmediate(r));
    committed = 0;
  });
  afterEach(async () => {
    await sql`alter table events_broken rename to events`.execute(t.ctx.store.db);
    // Nothing from the failed changes reached the outbox.
    const rows = await t.ctx.store.db.selectFrom('events').select('type').where('project_id', '=', projectId).execute();
    expect(rows.map((r) => r.type)).toEqual(['PROJECT_CREATED']);
    // Announcements are delivered in the loop's check phase: let any pending one arrive first.
    await new Promise((r) => setImmediate(r));
    expect(committed).toBe(0);
  });

  const projectRow = () => t.ctx.store.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();

  it('a failed PROJECT_CREATED insert leaves no project', async () => {
    const before = (await t.ctx.store.db.selectFrom('projects').select('id').execute()).length;
    await expect(createProject(t.ctx, admin, { name: 'Ghost' })).rejects.toThrow();
    const after = await t.ctx.store.db.selectFrom('projects').select('name').execute();
    expect(after).toHaveLength(before);
    expect(after.map((r) => r.name)).not.toContain('Ghost');
  });

  it('a failed PROJECT_UPDATED insert leaves the project unchanged', async () => {
    const before = await projectRow();
    await expect(updateProject(t.ctx, admin, projectId, { name: 'Renamed', tags: ['x'] })).rejects.toThrow();
    expect(await projectRow()).toEqual(before);
  });

  it('a failed PROJECT_DELETED insert leaves the project and its documents in place', async () => {
    await expect(deleteProject(t.ctx, admin, projectId)).rejects.toThrow();
    expect(await projectRow()).toBeDefined();
    const docs = await t.ctx.store.db.selectFrom('documents').select('id').where('project_id', '=', projectId).execute();
    expect(docs).toHaveLength(1);
  });

  it('a failed PROJECT_COMPLETED insert leaves the status and writes no completion', async () => {
    await expect(completeProject(t.ctx, admin, projectId, 'labeler')).rejects.toThrow();
    expect((await projectRow())!.status).toBe('CREATED');
    const rows = await t.ctx.store.db.selectFrom('completions').select('id').where('project_id', '=', projectId).execute();
    expect(rows).toHaveLength(0);
  });
});
