import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startPgWakeups, type PgWakeups, type WakeKind } from '../../src/store/pg-notify.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/backends.js';
import { waitUntil } from '../helpers/wait.js';

const logger = pino({ level: 'silent' });

function until(predicate: () => boolean | Promise<boolean>): Promise<boolean> {
  return waitUntil(`the condition ${predicate.toString()}`, predicate);
}

// LISTEN/NOTIFY exists on PostgreSQL only (SQLite has one delivering process and needs no wake-ups). Without
// LABELHOOK_TEST_POSTGRES_URL these show as skipped; CI always sets it.
describe.runIf(BACKENDS.includes('postgres'))('LISTEN/NOTIFY wake-ups (postgres)', () => {
  const backend = 'postgres' as const;
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const database = async (): Promise<TestDatabase> => {
    const db = await createTestDatabase(backend);
    cleanup.push(() => db.drop());
    return db;
  };
  const wakeups = async (db: TestDatabase, onWake?: (kinds: ReadonlySet<WakeKind>) => void, url = db.url, presenceCheckMs?: number): Promise<PgWakeups> => {
    const w = await startPgWakeups({ url, store: db.store, logger, reconnectMs: 20, ...(onWake ? { onWake } : {}), ...(presenceCheckMs ? { presenceCheckMs } : {}) });
    cleanup.push(() => w.close());
    return w;
  };

  it('a notify in one process wakes listeners of the same database, not of another schema', async () => {
    const a = await database();
    const b = await database();
    let wokenA = 0;
    let wokenB = 0;
    const listenerA = await wakeups(a, () => (wokenA += 1));
    await wakeups(b, () => (wokenB += 1));
    expect(listenerA.listening()).toBe(true);
    const startA = wokenA;
    const startB = wokenB;
    const sender = await wakeups(a);
    sender.notify();
    await until(() => wokenA > startA);
    // B is a different schema (another labelhook instance on the same server): its listener heard nothing.
    const probe = await wakeups(b);
    probe.notify();
    await until(() => wokenB > startB);
    // PostgreSQL delivers notifications in commit order: had B heard A's notify, it would have come first.
    expect(wokenB - startB).toBe(1);
  });

  it("tells other processes what kind of work it announced, and does not wake itself with its own notify", async () => {
    const db = await database();
    const heardBySelf: string[] = [];
    const heardByOther: string[] = [];
    const self = await wakeups(db, (kinds) => heardBySelf.push([...kinds].sort().join(',')));
    await wakeups(db, (kinds) => heardByOther.push([...kinds].sort().join(',')));
    // Each listener looks for work once when its LISTEN connection comes up.
    await until(() => heardBySelf.length === 1 && heardByOther.length === 1);
    self.notify('events');
    await until(() => heardByOther.length === 2);
    expect(heardByOther[1]).toBe('events');
    // Its own notify reached the server before this one: PostgreSQL delivers in commit order, so had the sender
    // heard itself, 'events' would be in its list before 'deliveries'.
    const sender = await wakeups(db);
    sender.notify('deliveries');
    await until(() => heardBySelf.length === 2);
    expect(heardBySelf).toEqual(['deliveries,events', 'deliveries']);
  });

  it('re-opens its LISTEN connection after pg_terminate_backend and keeps hearing notifies', async () => {
    const db = await createTestDatabase(backend);
    cleanup.push(() => db.drop());
    const appName = `lh_listen_${Math.random().toString(36).slice(2, 10)}`;
    const url = new URL(db.url);
    url.searchParams.set('application_name', appName);
    let woken = 0;
    const listener = await wakeups(db, () => (woken += 1), url.toString());
    const admin = new pg.Client({ connectionString: process.env.LABELHOOK_TEST_POSTGRES_URL });
    await admin.connect();
    cleanup.push(() => admin.end());
    const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [appName]);
    expect(killed.rowCount).toBe(1);
    await until(() => !listener.listening());
    await until(() => listener.listening());
    const before = woken;
    const sender = await wakeups(db);
    sender.notify();
    await until(() => woken > before);
  });

  /**
   * A plain LISTEN session on the database's channel that holds no presence lock: it sees every notification sent
   * without counting as a process to notify. `marker()` sends a notification of its own; PostgreSQL delivers in
   * commit order, so what arrives before the marker was sent before it.
   */
  const observer = async (db: TestDatabase): Promise<{ heard: string[]; marker(): Promise<void> }> => {
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db.store.db)).rows[0]!.s;
    const channel = `labelhook_wake:${schema}`;
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    cleanup.push(() => c.end());
    const heard: string[] = [];
    c.on('notification', (msg) => heard.push(msg.payload ?? ''));
    await c.query(`LISTEN "${channel}"`);
    let n = 0;
    return {
      heard,
      async marker() {
        const mark = `marker:${++n}`;
        await c.query('select pg_notify($1, $2)', [channel, mark]);
        await until(() => heard.includes(mark));
      },
    };
  };

  it('sends no NOTIFY while no other process listens, and notifies a process that comes up at once (its hello)', async () => {
    const db = await database();
    const seen = await observer(db);
    // A long presence interval: only the newcomer's hello can tell `alone` that someone is there now.
    const alone = await wakeups(db, () => undefined, db.url, 60_000);
    expect(alone.peers()).toBe(false);
    const before = seen.heard.length;
    alone.notify('events');
    await seen.marker();
    expect(seen.heard.slice(before)).toEqual(['marker:1']);

    const heardByPeer: string[] = [];
    const peer = await wakeups(db, (kinds) => heardByPeer.push([...kinds].sort().join(',')), db.url, 60_000);
    expect(peer.peers()).toBe(true);
    await until(() => alone.peers() === true);
    alone.notify('events');
    await until(() => heardByPeer.includes('events'));
  });

  it('stops notifying once the other process has gone, at its next presence check', async () => {
    const db = await database();
    const seen = await observer(db);
    const stays = await wakeups(db, () => undefined, db.url, 50);
    const leaves = await wakeups(db, () => undefined, db.url, 50);
    await until(() => stays.peers() === true);
    stays.notify('deliveries');
    await until(() => seen.heard.some((p) => p.endsWith(':deliveries')));
    await leaves.close();
    await until(() => stays.peers() === false);
    const before = seen.heard.length;
    stays.notify('deliveries');
    await seen.marker();
    expect(seen.heard.slice(before)).toEqual(['marker:1']);
  });

  it('a process that only notifies sends while a listener is up, and not when none is', async () => {
    const db = await database();
    const seen = await observer(db);
    const sender = await wakeups(db, undefined, db.url, 50);
    expect(sender.peers()).toBe(false);
    sender.notify('events');
    await seen.marker();
    expect(seen.heard.some((p) => p.endsWith(':events'))).toBe(false);
    let woken = 0;
    await wakeups(db, () => (woken += 1), db.url, 50);
    await until(() => sender.peers() === true);
    const start = woken;
    sender.notify('events');
    await until(() => woken > start);
  });
});
