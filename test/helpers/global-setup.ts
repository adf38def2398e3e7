import pg from 'pg';

/** Fails the run at once when PostgreSQL was asked for but does not answer, so CI never silently skips it. */
export default async function setup(): Promise<void> {
  const url = process.env.LABELHOOK_TEST_POSTGRES_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`LABELHOOK_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: ${(err as Error).message}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
