import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Store } from './db.js';

/** What a wake-up announces: events committed (for dispatchers, streams) or deliveries due (for workers). */
export type WakeKind = 'events' | 'deliveries';

const BOTH: ReadonlySet<WakeKind> = new Set<WakeKind>(['events', 'deliveries']);

/** Cross-process wake-ups over PostgreSQL LISTEN/NOTIFY. */
export interface PgWakeups {
  /**
   * Tells every other listening process that work of `kind` (default: both) may be waiting. Coalesced; sent only
   * while another process listens, or when that is unknown (see `peers`).
   */
  notify(kind?: WakeKind): void;
  /** True while the LISTEN connection is up (polling covers the gaps). */
  listening(): boolean;
  /** Whether another process listens on this database, as last seen; null while unknown (then notify sends). */
  peers(): boolean | null;
  close(): Promise<void>;
}

export interface PgWakeupOptions {
  /** The connection string the store was opened with (its `options=-c search_path=...` included). */
  url: string;
  store: Store;
  logger: Logger;
  /**
   * Called on every notification from another process with what it announced; its own come back from the server
   * too and are dropped (the process has already woken its loops), so one commit costs no second pass and no claim.
   */
  onWake?: (kinds: ReadonlySet<WakeKind>) => void;
  /** First reconnect delay of the LISTEN connection; doubles up to 5 s. */
  reconnectMs?: number;
  /** How often the presence of other listeners is read again (default 1 s). */
  presenceCheckMs?: number;
}

// Presence (docs/architecture.md, "The seams → Database"): each LISTEN session holds a shared advisory lock on
// (PRESENCE_CLASS, hashtext(channel)) for as long as it lives, so pg_locks says which other sessions listen. A NOTIFY
// with no other listener cost a round trip per commit for nothing, and its echo a wake-up of our own listener.
// 'lhwk': apart from the bigint-keyed dispatch lock (pg_locks tells the two key forms apart by objsubid).
const PRESENCE_CLASS = 0x6c68776b;

/** Payload list of the notification a listener sends once it is up: it announces a listener, not work. */
const HELLO = 'hello';

/** The channel of one labelhook database: per schema, so instances (and test schemas) sharing a server stay apart. */
async function channelOf(store: Store): Promise<string> {
  const row = (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0];
  // Channel names are identifiers: at most 63 bytes (pg_notify refuses longer ones, LISTEN would truncate them).
  return Buffer.from(`labelhook_wake:${row?.s ?? 'public'}`).subarray(0, 63).toString('utf8');
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Starts wake-ups: NOTIFY goes through the store's pool, LISTEN holds one dedicated client (a pooled one would be
 * handed to queries). A lost LISTEN connection (server restart, pg_terminate_backend) is re-opened with backoff,
 * and a wake is fired after each reconnect since notifications sent meanwhile were missed. Notifications only
 * shorten waits: a missed one costs one poll interval of latency, never a delivery.
 */
export async function startPgWakeups(options: PgWakeupOptions): Promise<PgWakeups> {
  const { store, logger } = options;
  const channel = await channelOf(store);
  const baseDelay = options.reconnectMs ?? 250;
  // Marks this process's notifications, so its listener can tell them from other processes'.
  const token = randomBytes(6).toString('hex');
  let closed = false;
  let client: pg.Client | null = null;
  let up = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let delay = baseDelay;
  // Another process's listener is up (true), none is (false), or we cannot tell (null: notify anyway).
  let peers: boolean | null = null;
  let listenerPid = 0;
  // Notifications heard from other processes: one heard while a check ran proves a peer the check may have missed.
  let heard = 0;

  // Reads who else holds the presence lock. Fail-safe: an error leaves `peers` unknown, so notifies go out.
  let checking: Promise<void> | null = null;
  const checkPeers = (): Promise<void> =>
    (checking ??= (async () => {
      const before = heard;
      try {
        const row = (
          await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and objsubid = 2 and granted
            and database = (select oid from pg_database where datname = current_database())
            and classid = ${PRESENCE_CLASS}::int4::oid and objid = hashtext(${channel})::oid and pid <> ${listenerPid}`.execute(store.db)
        ).rows[0];
        peers = (row?.n ?? 1) > 0 || heard !== before;
      } catch (err) {
        peers = null;
        logger.debug({ err }, 'could not read which processes listen; notifying all the same');
      } finally {
        checking = null;
      }
    })());

  const connect = async (): Promise<void> => {
    if (closed || !options.onWake) return;
    const c = new pg.Client({ connectionString: options.url });
    client = c;
    const lost = (err?: Error): void => {
      if (client !== c) return;
      client = null;
      up = false;
      listenerPid = 0;
      c.removeAllListeners('notification');
      void c.end().catch(() => undefined);
      if (closed) return;
      logger.warn({ err, retryInMs: delay }, 'LISTEN connection lost; polling until it is back');
      retryTimer = setTimeout(() => void connect(), delay);
      delay = Math.min(delay * 2, 5000);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => {
      if (msg.channel !== channel) return;
      const kinds = parsePayload(msg.payload ?? '', token);
      if (!kinds) return;
      // Another process is there (it may have just come up and said hello): notify it from now on.
      heard += 1;
      peers = true;
      if (kinds.size > 0) options.onWake?.(kinds);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(channel)}`);
      const locked = await c.query<{ pid: number }>('select pg_backend_pid() as pid, pg_advisory_lock_shared($1, hashtext($2))', [PRESENCE_CLASS, channel]);
      if (client !== c) return;
      up = true;
      delay = baseDelay;
      listenerPid = locked.rows[0]?.pid ?? 0;
      // Processes that found themselves alone learn of this one now instead of at their next presence check.
      await c.query('select pg_notify($1, $2)', [channel, `${token}:${HELLO}`]);
      await checkPeers();
      // Anything notified while we were away was missed: look for work once.
      options.onWake?.(BOTH);
    } catch (err) {
      lost(err as Error);
    }
  };
  await connect();
  // A process that only notifies (no onWake) still needs to know whether anyone listens.
  if (!options.onWake) await checkPeers();
  const presenceTimer = setInterval(() => void checkPeers(), options.presenceCheckMs ?? 1000);
  presenceTimer.unref();

  let sending = false;
  const pending = new Set<WakeKind>();
  const send = async (): Promise<void> => {
    sending = true;
    try {
      while (pending.size > 0 && !closed) {
        const payload = `${token}:${[...pending].sort().join(',')}`;
        pending.clear();
        await sql`select pg_notify(${channel}, ${payload})`.execute(store.db);
      }
    } catch (err) {
      // The database is away; the listeners' polling finds the work.
      logger.debug({ err }, 'NOTIFY failed');
    } finally {
      sending = false;
    }
  };

  return {
    notify(kind?: WakeKind) {
      // Alone on this database: nobody to wake (a process that comes up says hello, and is notified from then on).
      if (closed || peers === false) return;
      if (kind) pending.add(kind);
      else for (const k of BOTH) pending.add(k);
      // One NOTIFY in flight at a time, one more after it for everything that arrived meanwhile.
      if (!sending) void send();
    },
    listening: () => up,
    peers: () => peers,
    async close() {
      closed = true;
      clearInterval(presenceTimer);
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      up = false;
      if (c) await c.end().catch(() => undefined);
      // Let an in-flight NOTIFY or presence check finish before the caller closes the pool under it.
      while (sending) await new Promise((r) => setTimeout(r, 5));
      await checking;
    },
  };
}

/**
 * The kinds a notification announces; null for this process's own (`token`), none for a hello. A payload without
 * kinds means both.
 */
function parsePayload(payload: string, token: string): ReadonlySet<WakeKind> | null {
  const [sender, list] = payload.split(':', 2);
  if (sender === token) return null;
  if (list === HELLO) return new Set();
  const kinds = new Set((list ?? '').split(',').filter((k): k is WakeKind => k === 'events' || k === 'deliveries'));
  return kinds.size > 0 ? kinds : BOTH;
}
