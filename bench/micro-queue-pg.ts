// Micro benchmark of the delivery queue's writes on PostgreSQL (issue 14): the four writes of a delivery, in batches
// of 50 as the worker groups them, timed per statement kind (wall time of each round trip on a local server, most of
// it the server's work; commits do not wait for the WAL flush) on the schema before migration 011 and after it. The statements bind their values as the
// queue's do (PostgreSQL plans each with them). Run:
// LABELHOOK_BENCH_POSTGRES_URL=postgres://… node --import tsx bench/micro-queue-pg.ts [N]
import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { ensurePostgresSchema, openStore } from '../src/store/db.js';
import { migrationsFor } from '../src/store/migrations/index.js';

const URL_ = process.env.LABELHOOK_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.argv[2] ?? 20_000);
const BATCH = 50;
const REPEAT = Number(process.env.MICRO_REPEAT ?? 3);
const PAYLOAD = JSON.stringify({ type: 'LABEL_CREATED', data: { text: 'x'.repeat(900) } });
const KINDS = ['insert', 'claim', 'attempt', 'result'] as const;
type Kind = (typeof KINDS)[number];

async function freshSchema(latest: boolean): Promise<string> {
  const schema = `lh_micro_${randomBytes(5).toString('hex')}`;
  await ensurePostgresSchema(URL_, schema);
  const store = openStore(URL_, { schema });
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrationsFor('postgres') }, migrationTableSchema: schema });
  const { error } = latest ? await migrator.migrateToLatest() : await migrator.migrateTo('010-export-jobs');
  if (error) throw error;
  await sql`insert into teams (id, name, created_at) values ('team_1', 't', 0)`.execute(store.db);
  await sql`insert into webhooks (id, team_id, url, description, enabled, events, format, secret_enc, send_payload, ordered, blocking, fail_mode, created_at, updated_at) values ('wh_0', 'team_1', 'http://x', '', 1, '[]', 'standard', 's', 1, 0, 0, 'x', 0, 0)`.execute(store.db);
  await store.close();
  return schema;
}

const list = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
const COLS = 23;
const INSERT = `insert into deliveries (id, message_id, team_id, webhook_id, project_id, event_type, event_ids, event_seq, payload, item_count, batch_open, status, attempt_count, next_attempt_at, lease_owner, lease_expires_at, last_status, last_error, created_at, updated_at, completed_at, batch_records, schedule_start) values ${Array.from({ length: BATCH }, (_, r) => `(${list(r * COLS + 1, COLS)})`).join(', ')}`;
const CLAIM = `update deliveries set status = $1, lease_owner = $2, lease_expires_at = $3, next_attempt_at = $4, updated_at = $5 where id in (${list(6, BATCH)}) returning *`;
const ATTEMPT = `insert into attempts (id, team_id, delivery_id, webhook_id, attempt_no, at, request_url, request_headers, request_body, response_status, response_headers, response_body, duration_ms, error, outcome) values ${Array.from({ length: BATCH }, (_, r) => `(${list(r * 15 + 1, 15)})`).join(', ')}`;
const RESULT = `update deliveries set status = $1, attempt_count = attempt_count + 1, last_status = $2, last_error = null, lease_owner = null, lease_expires_at = null, next_attempt_at = $3, completed_at = $4, updated_at = $5 where id in (${list(6, BATCH)}) and status = $${6 + BATCH} and lease_owner = $${7 + BATCH}`;

async function run(latest: boolean): Promise<Record<Kind, number>> {
  const schema = await freshSchema(latest);
  const client = new pg.Client({ connectionString: URL_, options: `-c search_path=${schema}` });
  await client.connect();
  // Without waiting for the WAL flush: the flush is the same for both schemas and, on a shared machine, mostly noise.
  await client.query('set synchronous_commit = off');
  const t: Record<Kind, number> = { insert: 0, claim: 0, attempt: 0, result: 0 };
  const time = async (k: Kind, text: string, values: unknown[]): Promise<void> => {
    const s = process.hrtime.bigint();
    await client.query(text, values);
    t[k] += Number(process.hrtime.bigint() - s);
  };
  for (const measured of [false, true]) {
    const keep = { ...t };
    const base = measured ? N : 0;
    for (let r = 0; r < N / BATCH; r++) {
      const now = 1_764_600_000_000 + base + r * BATCH;
      const ids = Array.from({ length: BATCH }, (_, j) => `dlv_${String(base + r * BATCH + j).padStart(12, '0')}`);
      await time('insert', INSERT, ids.flatMap((id, j) => [id, `msg_${id}`, 'team_1', 'wh_0', 'prj_1', 'LABEL_CREATED', '["evt_1"]', base + r * BATCH + j, PAYLOAD, 1, 0, 'pending', 0, now, null, null, null, null, now, now, null, null, 0]));
      await time('claim', CLAIM, ['delivering', 'wrk_1', now + 30_000, now + 30_000, now, ...ids]);
      await time('attempt', ATTEMPT, ids.flatMap((id) => [`att_${id.slice(4)}`, 'team_1', id, 'wh_0', 1, now, 'http://x/hook', '{"user-agent":"labelhook"}', null, 200, '{"content-type":"text/plain"}', 'ok', 3, null, 'ok']));
      await time('result', RESULT, ['succeeded', 200, now, now, now, ...ids, 'delivering', 'wrk_1']);
    }
    if (!measured) for (const k of KINDS) t[k] = keep[k];
  }
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
  return t;
}

const runs: Record<string, Record<Kind, number>[]> = { 'before 011': [], '011': [] };
for (let r = 0; r < REPEAT; r++) {
  for (const latest of r % 2 === 0 ? [false, true] : [true, false]) runs[latest ? '011' : 'before 011']!.push(await run(latest));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`PostgreSQL: N=${N} deliveries (after ${N} finished ones), batches of ${BATCH}; µs wall per delivery, median of ${REPEAT}`);
console.log(['schema'.padEnd(12), ...KINDS.map((k) => k.padStart(8)), 'total'.padStart(8)].join(''));
for (const [name, all] of Object.entries(runs)) {
  const per = (ns: number): string => (ns / 1000 / N).toFixed(1).padStart(8);
  console.log([name.padEnd(12), ...KINDS.map((k) => per(median(all.map((x) => x[k])))), per(median(all.map((x) => KINDS.reduce((s, k) => s + x[k], 0))))].join(''));
}
