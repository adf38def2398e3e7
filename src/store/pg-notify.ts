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
  /** Tells every other listening process that work of `kind` (default: both) may be waiting. Coalesced. */
  notify(kind?: WakeKind): void;
  /** True while the LISTEN connection is up (polling covers the gaps). */
  listening(): boolean;
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
}

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

  const connect = async (): Promise<void> => {
    if (closed || !options.onWake) return;
    const c = new pg.Client({ connectionString: options.url });
    client = c;
    const lost = (err?: Error): void => {
      if (client !== c) return;
      client = null;
      up = false;
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
      if (kinds) options.onWake?.(kinds);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(channel)}`);
      if (client !== c) return;
      up = true;
      delay = baseDelay;
      // Anything notified while we were away was missed: look for work once.
      options.onWake?.(BOTH);
    } catch (err) {
      lost(err as Error);
    }
  };
  await connect();

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
      if (closed) return;
      if (kind) pending.add(kind);
      else for (const k of BOTH) pending.add(k);
      // One NOTIFY in flight at a time, one more after it for everything that arrived meanwhile.
      if (!sending) void send();
    },
    listening: () => up,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      up = false;
      if (c) await c.end().catch(() => undefined);
      // Let an in-flight NOTIFY finish before the caller closes the pool under it.
      while (sending) await new Promise((r) => setTimeout(r, 5));
    },
  };
}

/** The kinds a notification announces; null for this process's own (`token`). A payload without kinds means both. */
function parsePayload(payload: string, token: string): ReadonlySet<WakeKind> | null {
  const [sender, list] = payload.split(':', 2);
  if (sender === token) return null;
  const kinds = new Set((list ?? '').split(',').filter((k): k is WakeKind => k === 'events' || k === 'deliveries'));
  return kinds.size > 0 ? kinds : BOTH;
}
