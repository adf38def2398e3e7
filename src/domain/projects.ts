import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AppContext } from '../app-context.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { ProjectRef } from '../events/event.js';
import { appendEvent, outboxTransaction } from '../events/outbox.js';
import { newId } from '../ids.js';
import { preparedQuery } from '../store/db.js';
import { numOf } from '../store/num-alias.js';
import type { StoreCapabilities } from '../store/capabilities.js';
import { lockProjectRow } from '../store/row-locks.js';
import type { DatabaseSchema, ProjectTable } from '../store/schema.js';
import { normalizeAutoExport, parseAutoExport, type AutoExportSetting } from '../export/auto-export.js';
import { normalizeLabelSet, normalizeTags, type LabelSetItemInput } from './label-set.js';
import { eventProjectRef, newProjectRef } from './event-refs.js';
import { resolveId } from './id-alias.js';
import { actorOf, requireAdmin, teamOf } from './permissions.js';
import type { Principal } from './principal.js';
import { toProjectRef, type CurrentProjectRef } from './views.js';

type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

/** A project as the API shows it: the event shape plus counts the console lists. */
export interface ProjectView extends CurrentProjectRef {
  documentCount: number;
  labelCount: number;
  /** The auto-export setting (docs/export.md "Auto-export"); absent when off. */
  autoExport?: AutoExportSetting;
}

export interface NewProjectInput {
  name: string;
  tags?: string[];
  labelSet?: LabelSetItemInput[];
}

export type ProjectPatch = Partial<NewProjectInput> & { autoExport?: { on: string[]; format: string; status?: string } | null };

const selectProject = preparedQuery<{ id: string; teamId: string }, Selectable<ProjectTable>>((db, param) =>
  db.selectFrom('projects').selectAll().where('id', '=', param('id')).where('team_id', '=', param('teamId')),
);

/**
 * The project row `id` (its string id or integer alias) of team `teamId`; throws NotFoundError when it is missing
 * or belongs to another team.
 */
export async function getProject(db: Db, teamId: string, id: string): Promise<Selectable<ProjectTable>> {
  const row = (await selectProject(db, { id: await resolveId(db, 'projects', teamId, id), teamId }))[0];
  if (!row) throw new NotFoundError('Project', id);
  return row;
}

/**
 * Like getProject, but the row stays locked until `trx` ends (src/store/row-locks.ts), so concurrent changes to one
 * project serialise.
 */
export async function lockProject(trx: Transaction<DatabaseSchema>, caps: StoreCapabilities, teamId: string, id: string): Promise<Selectable<ProjectTable>> {
  const row = await lockProjectRow(trx, caps, await resolveId(trx, 'projects', teamId, id), teamId);
  if (!row) throw new NotFoundError('Project', id);
  return row;
}

/** Document and label counts of the given projects (0 when a project has none). */
export async function projectCounts(db: Db, ids: string[]): Promise<Map<string, { documentCount: number; labelCount: number }>> {
  const out = new Map(ids.map((id) => [id, { documentCount: 0, labelCount: 0 }]));
  if (ids.length === 0) return out;
  const docs = await db
    .selectFrom('documents')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', 'in', ids)
    .groupBy('project_id')
    .execute();
  for (const d of docs) out.get(d.project_id)!.documentCount = Number(d.n);
  const labels = await db
    .selectFrom('labels')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', 'in', ids)
    .groupBy('project_id')
    .execute();
  for (const l of labels) out.get(l.project_id)!.labelCount = Number(l.n);
  return out;
}

// One statement for one project's counts (a GET or a change answers one project): half the round trips.
const selectOneProjectCounts = preparedQuery<{ id: string }, { documentCount: number | string; labelCount: number | string }>((db, param) =>
  db.selectNoFrom((eb) => [
    eb.selectFrom('documents').select(eb.fn.countAll<number>().as('n')).where('project_id', '=', param('id')).as('documentCount'),
    eb.selectFrom('labels').select(eb.fn.countAll<number>().as('n')).where('project_id', '=', param('id')).as('labelCount'),
  ]),
);

/** Document and label counts of one project. */
export async function oneProjectCounts(db: Db, id: string): Promise<{ documentCount: number; labelCount: number }> {
  const row = (await selectOneProjectCounts(db, { id }))[0];
  return { documentCount: Number(row?.documentCount ?? 0), labelCount: Number(row?.labelCount ?? 0) };
}

/** The view's `autoExport` field: present only when the project has the setting. */
function autoExportOf(stored: string | null): { autoExport?: AutoExportSetting } {
  const setting = parseAutoExport(stored);
  return setting ? { autoExport: setting } : {};
}

/** A project row with its counts, as the API answers it. */
export async function toProjectView(db: Db, row: Selectable<ProjectTable>): Promise<ProjectView> {
  return { ...toProjectRef(row), ...(await oneProjectCounts(db, row.id)), ...autoExportOf(row.auto_export) };
}

function cleanName(name: string): string {
  const n = name.trim();
  if (!n) throw new ValidationError('A project needs a non-blank name.', { field: 'name' }, 'name_required');
  return n;
}

/** `POST /projects` (admins): creates a project in status CREATED and emits PROJECT_CREATED in the same transaction. */
export async function createProject(ctx: AppContext, p: Principal, input: NewProjectInput): Promise<ProjectView> {
  requireAdmin(p, 'create projects');
  const name = cleanName(input.name);
  const tags = normalizeTags(input.tags ?? []);
  const labelSet = normalizeLabelSet(input.labelSet ?? []);
  const now = ctx.clock();
  const row: Omit<Selectable<ProjectTable>, 'num'> = {
    id: newId('prj', now),
    team_id: p.teamId,
    name,
    tags: JSON.stringify(tags),
    label_set: JSON.stringify(labelSet),
    status: 'CREATED',
    created_at: now,
    updated_at: now,
    created_by_num: p.memberNum ?? null,
    auto_export: null,
  };
  const project = await outboxTransaction(ctx).execute(async (trx) => {
    await trx.insertInto('projects').values(row).execute();
    const project = newProjectRef({ ...row, num: await numOf(trx, 'projects', row.id) });
    await appendEvent(trx, { type: 'PROJECT_CREATED', team: teamOf(p), project, actor: actorOf(p), data: { project } }, now);
    return project;
  });
  const { counts: _counts, ...ref } = project;
  return { ...ref, documentCount: 0, labelCount: 0 };
}

/** The caller's team's projects in creation order: `limit + 1` views after `afterId` (any role). */
export async function listProjects(ctx: AppContext, p: Principal, page: { limit: number; afterId?: string }): Promise<ProjectView[]> {
  let q = ctx.store.db.selectFrom('projects').selectAll().where('team_id', '=', p.teamId);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  const rows = await q.orderBy('id').limit(page.limit + 1).execute();
  const counts = await projectCounts(ctx.store.db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...toProjectRef(r), ...counts.get(r.id)!, ...autoExportOf(r.auto_export) }));
}

/** `GET /projects/{id}` (any role). */
export async function readProject(ctx: AppContext, p: Principal, id: string): Promise<ProjectView> {
  return toProjectView(ctx.store.db, await getProject(ctx.store.db, p.teamId, id));
}

/**
 * `PATCH /projects/{id}` (admins): changes name, tags and/or label set. Emits PROJECT_UPDATED with the
 * `before` values and names of the fields that really changed; a patch that changes nothing writes nothing.
 * A label set item that labels still use cannot be removed (409 `label_set_item_in_use`).
 */
export async function updateProject(ctx: AppContext, p: Principal, id: string, patch: ProjectPatch): Promise<ProjectView> {
  requireAdmin(p, 'change projects');
  if (patch.name === undefined && patch.tags === undefined && patch.labelSet === undefined && patch.autoExport === undefined) {
    throw new ValidationError('Send at least one of name, tags, labelSet, autoExport.', { fields: ['name', 'tags', 'labelSet', 'autoExport'] }, 'empty_patch');
  }
  const autoExport = patch.autoExport === undefined ? undefined : patch.autoExport === null ? null : JSON.stringify(normalizeAutoExport(patch.autoExport));
  const next = {
    name: patch.name === undefined ? undefined : cleanName(patch.name),
    tags: patch.tags === undefined ? undefined : normalizeTags(patch.tags),
    labelSet: patch.labelSet === undefined ? undefined : normalizeLabelSet(patch.labelSet),
  };
  const now = ctx.clock();
  // The counts are read in the transaction too: a statement outside it would make SQLite commit the group of
  // transactions this one is part of early (src/store/sqlite-group-commit.ts).
  const view = await outboxTransaction(ctx).execute(async (trx): Promise<ProjectView> => {
    const current = await lockProject(trx, ctx.store.capabilities, p.teamId, id);
    const old = toProjectRef(current);
    // A setting, not project content: written without a PROJECT_UPDATED event.
    if (autoExport !== undefined && autoExport !== current.auto_export) {
      await trx.updateTable('projects').set({ auto_export: autoExport }).where('id', '=', current.id).execute();
    }
    const setting = autoExportOf(autoExport === undefined ? current.auto_export : autoExport);
    const before: Partial<Pick<ProjectRef, 'name' | 'tags' | 'labelSet'>> = {};
    const changed: ('name' | 'tags' | 'labelSet')[] = [];
    if (next.name !== undefined && next.name !== old.name) {
      before.name = old.name;
      changed.push('name');
    }
    if (next.tags !== undefined && JSON.stringify(next.tags) !== JSON.stringify(old.tags)) {
      before.tags = old.tags;
      changed.push('tags');
    }
    if (next.labelSet !== undefined && JSON.stringify(next.labelSet) !== JSON.stringify(old.labelSet)) {
      await refuseRemovingUsedItems(trx, current.id, old.labelSet, next.labelSet);
      before.labelSet = old.labelSet;
      changed.push('labelSet');
    }
    if (changed.length === 0) return { ...old, ...(await oneProjectCounts(trx, current.id)), ...setting };
    const updated: Selectable<ProjectTable> = {
      ...current,
      name: next.name ?? current.name,
      tags: next.tags ? JSON.stringify(next.tags) : current.tags,
      label_set: next.labelSet ? JSON.stringify(next.labelSet) : current.label_set,
      updated_at: now,
    };
    await updateProjectRow(trx, { id: current.id, name: updated.name, tags: updated.tags, labelSet: updated.label_set, updatedAt: now });
    const project = await eventProjectRef(trx, updated);
    await appendEvent(trx, { type: 'PROJECT_UPDATED', team: teamOf(p), project, actor: actorOf(p), data: { project, before, changed } }, now);
    // The event's ref was counted in this transaction, after the last write that could change a count.
    const { documentCount, labelCount } = project.counts;
    return { ...toProjectRef(updated), documentCount, labelCount, ...setting };
  });
  return view;
}

const updateProjectRow = preparedQuery<{ id: string; name: string; tags: string; labelSet: string; updatedAt: number }, unknown>((db, param) =>
  db
    .updateTable('projects')
    .set({ name: param('name'), tags: param('tags'), label_set: param('labelSet'), updated_at: param('updatedAt') })
    .where('id', '=', param('id')),
);

async function refuseRemovingUsedItems(trx: Db, projectId: string, oldSet: ProjectRef['labelSet'], newSet: ProjectRef['labelSet']): Promise<void> {
  const kept = new Set(newSet.map((i) => i.id));
  const removed = oldSet.map((i) => i.id).filter((i) => !kept.has(i));
  if (removed.length === 0) return;
  const used = await trx
    .selectFrom('labels')
    .select(['label_set_item_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', projectId)
    .where('label_set_item_id', 'in', removed)
    .groupBy('label_set_item_id')
    .execute();
  if (used.length === 0) return;
  throw new ConflictError(
    `Label set items still used by labels cannot be removed: ${used.map((u) => u.label_set_item_id).join(', ')}.`,
    { items: used.map((u) => ({ id: u.label_set_item_id, labelCount: Number(u.n) })) },
    'label_set_item_in_use',
  );
}

/** `DELETE /projects/{id}` (admins): deletes the project with its documents and labels; PROJECT_DELETED carries the full project. */
export async function deleteProject(ctx: AppContext, p: Principal, id: string): Promise<{ project: ProjectRef; documentCount: number }> {
  requireAdmin(p, 'delete projects');
  const now = ctx.clock();
  const result = await outboxTransaction(ctx).execute(async (trx) => {
    const row = await lockProject(trx, ctx.store.capabilities, p.teamId, id);
    // The counts as they were: what the project held when it was deleted.
    const project = await eventProjectRef(trx, row);
    const documentCount = project.counts!.documentCount;
    // Documents, completions, annotations and labels go with it (ON DELETE CASCADE).
    await trx.deleteFrom('projects').where('id', '=', row.id).execute();
    await appendEvent(trx, { type: 'PROJECT_DELETED', team: teamOf(p), project, actor: actorOf(p), data: { project, documentCount } }, now);
    return { project, documentCount };
  });
  return result;
}
