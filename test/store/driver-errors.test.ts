import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { isUniqueViolation } from '../../src/store/unique-violation.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';

describe.each(BACKENDS)('driver errors (%s)', (backend) => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase(backend);
  });
  afterAll(async () => d.drop());

  it('a NUL character is stored on SQLite and a 422 validation_failed on PostgreSQL, inside a transaction too', async () => {
    const insert = (id: string) => d.store.db.insertInto('teams').values({ id, name: 'a\u0000b', created_at: 1 });
    if (backend === 'sqlite') {
      await insert('team_nul').execute();
      const row = await d.store.db.selectFrom('teams').select('name').where('id', '=', 'team_nul').executeTakeFirstOrThrow();
      expect(row.name).toBe('a\u0000b');
      return;
    }
    for (const run of [() => insert('team_nul').execute(), () => d.store.db.transaction().execute((trx) => trx.insertInto('teams').values({ id: 'team_nul2', name: 'a\u0000b', created_at: 1 }).execute())]) {
      const err = await run().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code: 'validation_failed', status: 422, message: 'Text values may not contain the NUL character (\\u0000).' });
    }
    // The pool is still usable afterwards.
    await d.store.db.insertInto('teams').values({ id: 'team_ok', name: 'ok', created_at: 1 }).execute();
  });

  it('a duplicate key stays the driver error isUniqueViolation recognises', async () => {
    await d.store.db.insertInto('teams').values({ id: 'team_dup', name: 'one', created_at: 1 }).execute();
    const err = await d.store.db.insertInto('teams').values({ id: 'team_dup', name: 'two', created_at: 1 }).execute().then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull();
    expect(isUniqueViolation(err)).toBe(true);
    expect(err).not.toBeInstanceOf(ValidationError);
  });
});
