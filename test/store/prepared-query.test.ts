import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedQuery } from '../../src/store/db.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';

const insertTeam = preparedQuery<{ id: string; createdAt: number }, unknown>((db, param) =>
  db.insertInto('teams').values({ id: param('id'), name: 'Prepared', created_at: param('createdAt') }),
);
const selectTeam = preparedQuery<{ id: string }, { id: string; name: string; created_at: number }>((db, param) =>
  db.selectFrom('teams').select(['id', 'name', 'created_at']).where('id', '=', param('id')).where('name', '=', 'Prepared'),
);

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
});
