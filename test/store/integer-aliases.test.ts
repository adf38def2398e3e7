import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/db.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import { allocateNums } from '../../src/store/num-alias.js';
import { BACKENDS } from '../helpers/backends.js';
import { storeBefore } from '../helpers/upgrade-fixture.js';

// Migration 008 numbers the rows that exist, in id order, and new rows continue after them on both databases.

describe.each(BACKENDS)('migration 008: integer aliases (%s)', (backend) => {
  it('backfills existing rows in id order and numbers new rows after them', async () => {
    const store = await storeBefore(backend, 'alias', '008');
    const raw = store.db as unknown as import('kysely').Kysely<Record<string, Record<string, unknown>>>;
    await raw.insertInto('teams').values({ id: 'team_1', name: 'T', created_at: 1 }).execute();
    await raw.insertInto('members').values({ id: 'mem_1', team_id: 'team_1', email: 'a@x', name: 'A', role: 'admin', instance_admin: 0, created_at: 1 }).execute();
    await raw.insertInto('projects').values({ id: 'prj_1', team_id: 'team_1', name: 'P', tags: '[]', label_set: '[]', status: 'CREATED', created_at: 1, updated_at: 1 }).execute();
    // Inserted out of id order: numbering follows ids (creation order), not insertion.
    for (const id of ['doc_c', 'doc_a', 'doc_b']) {
      await raw.insertInto('documents').values({ id, team_id: 'team_1', project_id: 'prj_1', key: null, name: id, text: null, data: null, status: 'active', created_at: 1, updated_at: 1 }).execute();
    }
    await raw.insertInto('annotations').values({ id: 'ann_1', team_id: 'team_1', project_id: 'prj_1', document_id: 'doc_a', member_id: 'mem_1', created_at: 1, updated_at: 1 }).execute();

    // 008 and every migration after it run now, in order.
    expect(await migrate(store)).toEqual(Object.keys(migrationsFor(store.dialect)).filter((name) => name >= '008'));
    const docs = await store.db.selectFrom('documents').select(['id', 'num']).orderBy('id').execute();
    expect(docs.map((d) => [d.id, Number(d.num)])).toEqual([['doc_a', 1], ['doc_b', 2], ['doc_c', 3]]);
    for (const table of ['teams', 'members', 'projects', 'annotations'] as const) {
      expect((await store.db.selectFrom(table).select('num').execute()).map((r) => Number(r.num)), table).toEqual([1]);
    }
    expect((await store.db.selectFrom('projects').select('created_by_num').executeTakeFirstOrThrow()).created_by_num).toBeNull();

    // A row inserted without a number gets the next one from the database (trigger / identity) ...
    await store.db.insertInto('documents').values({ id: 'doc_d', team_id: 'team_1', project_id: 'prj_1', key: null, name: 'd', text: null, data: null, status: 'active', created_at: 2, updated_at: 2 }).execute();
    expect(Number((await store.db.selectFrom('documents').select('num').where('id', '=', 'doc_d').executeTakeFirstOrThrow()).num)).toBe(4);
    // ... and allocated numbers continue from there, never reusing one.
    const nums = await store.db.transaction().execute((trx) => allocateNums(trx, store.dialect, 'documents', 3));
    expect(nums).toEqual([5, 6, 7]);
    await store.db.insertInto('documents').values({ id: 'doc_e', num: nums[0], team_id: 'team_1', project_id: 'prj_1', key: null, name: 'e', text: null, data: null, status: 'active', created_at: 2, updated_at: 2 }).execute();
    await store.db.insertInto('documents').values({ id: 'doc_f', team_id: 'team_1', project_id: 'prj_1', key: null, name: 'f', text: null, data: null, status: 'active', created_at: 2, updated_at: 2 }).execute();
    expect(Number((await store.db.selectFrom('documents').select('num').where('id', '=', 'doc_f').executeTakeFirstOrThrow()).num)).toBe(8);
    // Unique: a second row with a taken number is refused.
    await expect(
      store.db.insertInto('documents').values({ id: 'doc_g', num: 1, team_id: 'team_1', project_id: 'prj_1', key: null, name: 'g', text: null, data: null, status: 'active', created_at: 2, updated_at: 2 }).execute(),
    ).rejects.toThrow();
  });
});
