import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powerOfTwoParts, preparedQuery, preparedWrite } from '../../src/store/db.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';

const insertTeam = preparedQuery<{ id: string; createdAt: number }, unknown>((db, param) =>
  db.insertInto('teams').values({ id: param('id'), name: 'Prepared', created_at: param('createdAt') }),
);
const selectTeam = preparedQuery<{ id: string }, { id: string; name: string; created_at: number }>((db, param) =>
  db.selectFrom('teams').select(['id', 'name', 'created_at']).where('id', '=', param('id')).where('name', '=', 'Prepared'),
);

const insertTeams = preparedQuery<{ rows: readonly { id: string; name: string; created_at: number }[] }, unknown>((db, param) =>
  db.insertInto('teams').values([...param.rows('rows')]),
);
const selectTeamsIn = preparedQuery<{ ids: readonly string[]; skip: readonly string[] }, { id: string }>((db, param) => {
  const q = db.selectFrom('teams').select('id').where('id', 'in', param.list('ids')).orderBy('id');
  const skip = param.list('skip');
  return skip.length > 0 ? q.where('id', 'not in', [...skip]) : q;
});

const renameTeamsIn = preparedWrite<{ ids: readonly string[]; name: string }>((db, param) =>
  db.updateTable('teams').set({ name: param('name') }).where('id', 'in', param.list('ids')).where('name', '<>', param('name')),
);

describe('powerOfTwoParts', () => {
  it('splits rows, in order, into parts of power-of-two sizes', () => {
    const rows = Array.from({ length: 300 }, (_, i) => i);
    const parts = powerOfTwoParts(rows);
    expect(parts.map((p) => p.length)).toEqual([256, 32, 8, 4]);
    expect(parts.flat()).toEqual(rows);
    expect(powerOfTwoParts([])).toEqual([]);
  });
});

describe.each(BACKENDS)('preparedQuery (%s)', (backend) => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase(backend);
  });
  afterAll(async () => d.drop());

  it('runs with new values each call, keeps the constants, and works inside a transaction', async () => {
    await insertTeam(d.store.db, { id: 'team_p1', createdAt: 1 });
    await d.store.db.transaction().execute(async (trx) => {
      await insertTeam(trx, { id: 'team_p2', createdAt: 2 });
      expect(await selectTeam(trx, { id: 'team_p2' })).toEqual([{ id: 'team_p2', name: 'Prepared', created_at: 2 }]);
    });
    expect(await selectTeam(d.store.db, { id: 'team_p1' })).toEqual([{ id: 'team_p1', name: 'Prepared', created_at: 1 }]);
    expect(await selectTeam(d.store.db, { id: 'team_none' })).toEqual([]);
  });

  it('rolls back with the transaction it ran in', async () => {
    await expect(
      d.store.db.transaction().execute(async (trx) => {
        await insertTeam(trx, { id: 'team_p3', createdAt: 3 });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await selectTeam(d.store.db, { id: 'team_p3' })).toEqual([]);
  });

  it('runs list and rows parameters of every length, each with its own values', async () => {
    const team = (n: number) => ({ id: `team_l${n}`, name: 'Listed', created_at: n });
    // Row counts and list lengths that share a compiled form (3 and 4 pad to 4) and ones that do not.
    await insertTeams(d.store.db, { rows: [team(1), team(2), team(3)] });
    await insertTeams(d.store.db, { rows: [team(4)] });
    await insertTeams(d.store.db, { rows: [team(5), team(6), team(7), team(8), team(9)] });
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
    expect(ids(await selectTeamsIn(d.store.db, { ids: ['team_l1', 'team_l2', 'team_l3'], skip: [] }))).toEqual(['team_l1', 'team_l2', 'team_l3']);
    expect(ids(await selectTeamsIn(d.store.db, { ids: ['team_l4', 'team_l5', 'team_l6', 'team_l7'], skip: [] }))).toEqual(['team_l4', 'team_l5', 'team_l6', 'team_l7']);
    expect(ids(await selectTeamsIn(d.store.db, { ids: ['team_l9', 'team_l8'], skip: ['team_l8'] }))).toEqual(['team_l9']);
    expect(ids(await selectTeamsIn(d.store.db, { ids: ['team_l1', 'team_l2', 'team_l3', 'team_l4', 'team_l5'], skip: ['team_l2', 'team_l3', 'team_l5'] }))).toEqual(['team_l1', 'team_l4']);
    expect(ids(await selectTeamsIn(d.store.db, { ids: ['team_l6'], skip: [] }))).toEqual(['team_l6']);
  });

  it('a write answers how many rows it changed: each row once, however the padded list repeats it', async () => {
    await insertTeams(d.store.db, { rows: [{ id: 'team_w1', name: 'W', created_at: 1 }, { id: 'team_w2', name: 'W', created_at: 2 }, { id: 'team_w3', name: 'W', created_at: 3 }] });
    // Three ids pad to four (team_w2 twice): still two rows; team_none matches none.
    expect(await renameTeamsIn(d.store.db, { ids: ['team_none', 'team_w1', 'team_w2'], name: 'Renamed' })).toBe(2);
    expect(await d.store.db.transaction().execute((trx) => renameTeamsIn(trx, { ids: ['team_w1', 'team_w2', 'team_w3'], name: 'Renamed' }))).toBe(1);
    expect(await renameTeamsIn(d.store.db, { ids: ['team_w3'], name: 'Renamed' })).toBe(0);
  });
});

describe.runIf(BACKENDS.includes('postgres'))('preparedQuery on PostgreSQL', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase('postgres');
  });
  afterAll(async () => d.drop());

  it('runs as a named statement: parsed once per connection, however often it runs', async () => {
    await insertTeam(d.store.db, { id: 'team_n1', createdAt: 1 });
    const prepared = await d.store.db.connection().execute(async (conn) => {
      for (let i = 0; i < 3; i++) expect(await selectTeam(conn, { id: 'team_n1' })).toEqual([{ id: 'team_n1', name: 'Prepared', created_at: 1 }]);
      // The connection's prepared statements: the select once, under its name, however many runs.
      return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(conn)).rows;
    });
    const selects = prepared.filter((p) => p.statement.startsWith('select "id", "name", "created_at" from "teams"'));
    expect(selects).toHaveLength(1);
    expect(selects[0]!.name).toMatch(/^lh_\d+$/);
  });
});
