// Micro benchmark of the delivery queue's writes on SQLite (issue 14): the four writes of one delivery (fan-out
// insert, claim update, attempt insert, result update) timed per statement kind on the real schema, and what each
// index or schema variant changes. The statements here write their status predicates as literals, as the queue's SQL
// does (src/store/queue/status-literals.ts: with a bound status SQLite would prepare a statement again at every run
// to match a partial index). CPU time, median of MICRO_REPEAT runs (default 3);
// MICRO_DIR=/dev/shm keeps the disk out. Run: node --import tsx bench/micro-queue.ts [N] [variant ...]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Migrator } from 'kysely';
import { openStore } from '../src/store/db.js';
import { migrationsFor } from '../src/store/migrations/index.js';

const N = Number(process.argv[2] ?? 20_000);
const BATCH = 50;
const PAYLOAD = JSON.stringify({ type: 'LABEL_CREATED', data: { text: 'x'.repeat(900) } });
const RESPONSE_HEADERS = JSON.stringify({ 'content-type': 'text/plain', date: 'Tue, 01 Dec 2026 15:00:00 GMT', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'content-length': '2' });
const REQUEST_HEADERS = JSON.stringify({ 'user-agent': 'labelhook/1.0.0', 'webhook-id': 'msg_01jd0000000000000000', 'webhook-timestamp': '1764600000', 'webhook-signature': 'v1,' + 'a'.repeat(44), 'content-type': 'application/json' });

/** `upTo`: the last migration of the schema the variant starts from (default 010, before migration 011). */
type Variant = { name: string; ddl: string[]; upTo?: string; sidePayload?: boolean; compactAttempt?: boolean };

const PARTIAL_DUE = [
  'drop index deliveries_due_order',
  'drop index deliveries_webhook_due',
  "create index deliveries_pending_due on deliveries (webhook_id, next_attempt_at, id) where status = 'pending'",
  "create index deliveries_pending_next on deliveries (next_attempt_at, id) where status = 'pending'",
  "create index deliveries_leased on deliveries (next_attempt_at, id) where status = 'delivering'",
];
const PARTIAL_BATCH = ['drop index deliveries_open_batch', 'create index deliveries_open_batch on deliveries (webhook_id) where batch_open = 1'];

const VARIANTS: Variant[] = [
  { name: 'base', ddl: [] },
  ...['deliveries_due_order', 'deliveries_webhook_due', 'deliveries_open_batch', 'deliveries_line', 'deliveries_webhook', 'attempts_at_all', 'attempts_at', 'attempts_delivery'].map((i) => ({ name: `-${i}`, ddl: [`drop index ${i}`] })),
  { name: 'no-secondary', ddl: ['deliveries_due_order', 'deliveries_webhook_due', 'deliveries_open_batch', 'deliveries_line', 'deliveries_webhook', 'attempts_at_all', 'attempts_at', 'attempts_delivery'].map((i) => `drop index ${i}`) },
  { name: 'partial-due', ddl: PARTIAL_DUE },
  { name: 'partial-batch', ddl: PARTIAL_BATCH },
  { name: 'partial-all', ddl: [...PARTIAL_DUE, ...PARTIAL_BATCH, 'drop index attempts_at_all'] },
  { name: 'side-payload', ddl: ['create table delivery_payloads (id text primary key, payload text not null)'], sidePayload: true },
  { name: 'compact-attempt', ddl: [], compactAttempt: true },
  // Migration 011 on SQLite, one partial index per status on top of it, and migration 012 (the two due indexes
  // partial: unfinished deliveries only).
  { name: 'm011', ddl: [], upTo: '011-lean-queue-indexes' },
  { name: 'm011+partial-due', ddl: PARTIAL_DUE, upTo: '011-lean-queue-indexes' },
  { name: 'm012', ddl: [], upTo: '012-sqlite-live-due-indexes' },
  { name: 'partial-all+side', ddl: [...PARTIAL_DUE, ...PARTIAL_BATCH, 'drop index attempts_at_all', 'create table delivery_payloads (id text primary key, payload text not null)'], sidePayload: true },
];

const KINDS = ['insert', 'claim', 'attempt', 'result', 'commit'] as const;
type Kind = (typeof KINDS)[number];

/** The schema the variants start from: every migration up to `upTo`. */
async function freshDatabase(upTo: string): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(process.env.MICRO_DIR ?? tmpdir(), 'lh-micro-'));
  const file = join(dir, 'q.db');
  const store = openStore(`sqlite:${file}`);
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrationsFor('sqlite') } });
  const { error } = await migrator.migrateTo(upTo);
  if (error) throw error;
  await store.close();
  return { file, dir };
}

function deliveryRow(i: number, now: number, payload: string): unknown[] {
  const id = `dlv_${String(i).padStart(12, '0')}`;
  return [id, `msg_${i}`, 'team_1', `wh_${i % 4}`, 'prj_1', 'LABEL_CREATED', '["evt_1"]', i, payload, 1, 0, 'pending', 0, now, null, null, null, null, now, now, null, null, 0];
}

async function run(v: Variant): Promise<Record<Kind, number>> {
  const { file, dir } = await freshDatabase(v.upTo ?? '010-export-jobs');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec("insert into teams (id, name, created_at) values ('team_1', 't', 0)");
  for (let w = 0; w < 4; w++) {
    db.exec(`insert into webhooks (id, team_id, url, description, enabled, events, format, secret_enc, send_payload, ordered, blocking, fail_mode, created_at, updated_at) values ('wh_${w}', 'team_1', 'http://x', '', 1, '[]', 'standard', 's', 1, 0, 0, 'x', 0, 0)`);
  }
  for (const s of v.ddl) db.exec(s);
  const cols = 'id, message_id, team_id, webhook_id, project_id, event_type, event_ids, event_seq, payload, item_count, batch_open, status, attempt_count, next_attempt_at, lease_owner, lease_expires_at, last_status, last_error, created_at, updated_at, completed_at, batch_records, schedule_start';
  const insert = db.prepare(`insert into deliveries (${cols}) values (${cols.split(',').map(() => '?').join(', ')})`);
  const insertPayload = v.sidePayload ? db.prepare('insert into delivery_payloads (id, payload) values (?, ?)') : null;
  const ids = Array.from({ length: BATCH }, () => '?').join(', ');
  const claim = db.prepare(`update deliveries set status = 'delivering', lease_owner = ?, lease_expires_at = ?, next_attempt_at = ?, updated_at = ? where id in (${ids}) returning *`);
  const readPayload = v.sidePayload ? db.prepare(`select id, payload from delivery_payloads where id in (${ids})`) : null;
  const attempt = db.prepare('insert into attempts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const result = db.prepare(
    `update deliveries set status = 'succeeded', attempt_count = attempt_count + 1, last_status = ?, last_error = null, lease_owner = null, lease_expires_at = null, next_attempt_at = ?, completed_at = ?, updated_at = ? where id in (${ids}) and status = 'delivering' and lease_owner = ?`,
  );
  const t: Record<Kind, number> = { insert: 0, claim: 0, attempt: 0, result: 0, commit: 0 };
  const time = (k: Kind, f: () => void): void => {
    // CPU time (user + system), not wall time: the machine is shared and the WAL's writes queue behind others'.
    const s = process.cpuUsage();
    f();
    const d = process.cpuUsage(s);
    t[k] += (d.user + d.system) * 1000;
  };
  const tx = (k: Kind, f: () => void): void => {
    db.exec('begin');
    time(k, f);
    time('commit', () => db.exec('commit'));
  };
  // Two passes: the first fills the table with N finished deliveries (a table with history), the second is measured.
  for (const measured of [false, true]) {
    const keep = { ...t };
    const base = measured ? N : 0;
    for (let r = 0; r < N / BATCH; r++) {
      const now = 1_764_600_000_000 + base + r * BATCH;
      const batch = Array.from({ length: BATCH }, (_, j) => base + r * BATCH + j);
      const bids = batch.map((i) => `dlv_${String(i).padStart(12, '0')}`);
      tx('insert', () => {
        for (const i of batch) {
          insert.run(deliveryRow(i, now, v.sidePayload ? '' : PAYLOAD));
          insertPayload?.run(`dlv_${String(i).padStart(12, '0')}`, PAYLOAD);
        }
      });
      tx('claim', () => {
        claim.all('wrk_1', now + 30_000, now + 30_000, now, ...bids);
        readPayload?.all(...bids);
      });
      tx('attempt', () => {
        for (const [j, id] of bids.entries()) {
          attempt.run(`att_${String(batch[j]).padStart(12, '0')}`, 'team_1', id, `wh_${batch[j]! % 4}`, 1, now, 'http://x/hook', REQUEST_HEADERS, null, 200, v.compactAttempt ? null : RESPONSE_HEADERS, 'ok', 3, null, 'ok');
        }
      });
      tx('result', () => result.run(200, now, now, now, ...bids, 'wrk_1'));
    }
    if (!measured) for (const k of KINDS) t[k] = keep[k];
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return t;
}

const chosen = process.argv.slice(3);
const variants = chosen.length > 0 ? VARIANTS.filter((v) => chosen.includes(v.name)) : VARIANTS;
console.log(`N=${N} deliveries (after ${N} finished ones), batches of ${BATCH}; µs CPU per delivery, median of ${process.env.MICRO_REPEAT ?? 3}`);
console.log(['variant'.padEnd(24), ...KINDS.map((k) => k.padStart(8)), 'total'.padStart(8)].join(''));
const REPEAT = Number(process.env.MICRO_REPEAT ?? 3);
const runs = new Map<string, Record<Kind, number>[]>();
// Variants alternate, each round starting one further along, so that drift in the machine's load and the place in
// a round spread over all of them.
for (let r = 0; r < REPEAT; r++) {
  for (let j = 0; j < variants.length; j++) {
    const v = variants[(r + j) % variants.length]!;
    runs.set(v.name, [...(runs.get(v.name) ?? []), await run(v)]);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const v of variants) {
  const all = runs.get(v.name)!;
  const t = Object.fromEntries(KINDS.map((k) => [k, median(all.map((x) => x[k]))])) as Record<Kind, number>;
  const per = (ns: number): string => (ns / 1000 / N).toFixed(1).padStart(8);
  console.log([v.name.padEnd(24), ...KINDS.map((k) => per(t[k])), per(median(all.map((x) => KINDS.reduce((s, k) => s + x[k], 0))))].join(''));
}
