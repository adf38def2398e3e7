import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.js';
import type { Principal } from '../../src/domain/principal.js';
import { newId } from '../../src/ids.js';
import { readQueueSnapshot } from '../../src/metrics/database-snapshot.js';
import { claimDeliveries, nextDueAt } from '../../src/store/queue/delivery-claims.js';
import { lockOpenBatches } from '../../src/store/queue/fan-out.js';
import { releaseEveryLease, releaseHeldLeases, renewHeldLeases } from '../../src/store/queue/leases.js';
import { disableAndCancel, existingDeliveryIds, recordAttemptState, recordSucceeded } from '../../src/store/queue/results.js';
import { workerRegistry } from '../../src/store/worker-registry.js';
import { listDeliveries, readDelivery } from '../../src/webhooks/admin/delivery-log.js';
import { deliveryStats, webhookHealth } from '../../src/webhooks/admin/delivery-stats.js';
import { replayDeliveries } from '../../src/webhooks/admin/replay.js';
import { pruneAttemptBodies } from '../../src/webhooks/delivery/retention.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { insertDelivery } from '../helpers/delivery-rows.js';

// Every statement that reads or changes the deliveries and attempts tables finds its rows through an index: the
// tables grow with every delivery ever made, so a statement that falls back to a scan gets slower day by day. Each
// statement is run for real (so its parameters are the real ones: a partial index serves a query only when its
// parameters imply the index's WHERE), captured at the driver, and explained on the same database.

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);

interface Captured {
  sql: string;
  parameters: unknown[];
}

/** Records every statement the drivers run while `fn` runs. */
async function capture(fn: () => Promise<unknown>): Promise<Captured[]> {
  const out: Captured[] = [];
  const probe = new Database(':memory:').prepare('select 1');
  const proto = Object.getPrototypeOf(probe) as Record<'all' | 'run' | 'get', (...args: unknown[]) => unknown> & { source: string };
  const saved = { all: proto.all, run: proto.run, get: proto.get };
  const query = pg.Client.prototype.query;
  for (const name of ['all', 'run', 'get'] as const) {
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      out.push({ sql: this.source, parameters: (Array.isArray(args[0]) ? args[0] : args) as unknown[] });
      return saved[name].apply(this, args);
    };
  }
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [text, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    if (typeof text === 'string') out.push({ sql: text, parameters: values ?? [] });
    else out.push({ sql: text.text, parameters: text.values ?? values ?? [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await fn();
  } finally {
    Object.assign(proto, saved);
    pg.Client.prototype.query = query;
  }
  return out.filter((s) => /"(deliveries|attempts)"/.test(s.sql) && !/^\s*insert/i.test(s.sql));
}

/** The query plan of a captured statement, one line per step. */
async function explain(t: TestApp, s: Captured): Promise<string[]> {
  if (t.ctx.store.dialect === 'sqlite') {
    const db = new Database(t.ctx.store.sqlitePath!, { readonly: true });
    try {
      return (db.prepare(`explain query plan ${s.sql}`).all(...s.parameters) as { detail: string }[]).map((r) => r.detail);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    await client.query('begin');
    // With sequential scans priced out, the planner takes an index whenever one can serve the statement: an
    // empty test table would otherwise make a scan the cheapest plan for anything.
    await client.query('set local enable_seqscan = off');
    const custom = await client.query<{ 'QUERY PLAN': string }>(`explain ${s.sql}`, s.parameters);
    // The hot statements run as named statements (src/store/statement-names.ts): after a few runs PostgreSQL may
    // keep a generic plan, made without the parameters' values, so that plan must use an index too.
    await client.query(`prepare plan_probe as ${s.sql}`);
    await client.query('set local plan_cache_mode = force_generic_plan');
    // EXPLAIN EXECUTE takes its arguments as literals.
    // An array parameter (the claim's per-webhook takes, `$n::int[]`) as an array literal.
    const literal = (v: unknown): string =>
      v === null ? 'null' : typeof v === 'number' ? String(v) : client.escapeLiteral(Array.isArray(v) ? `{${v.map((x) => JSON.stringify(String(x))).join(',')}}` : String(v));
    const args = s.parameters.map(literal).join(', ');
    const generic = await client.query<{ 'QUERY PLAN': string }>(`explain execute plan_probe${args ? `(${args})` : ''}`);
    return [...custom.rows, ...generic.rows].map((r) => r['QUERY PLAN']);
  } finally {
    await client.query('rollback');
    await client.end();
  }
}

/** The names the statement gives the deliveries and attempts tables (themselves and their aliases). */
function tableNames(sql: string): string[] {
  const names = new Set<string>();
  for (const m of sql.matchAll(/"(deliveries|attempts)"(?: as "(\w+)")?/g)) names.add(m[2] ?? m[1]!);
  return [...names];
}

/** Plan lines that read one of the statement's queue tables without an index. */
function scans(dialect: string, sql: string, plan: string[]): string[] {
  const names = tableNames(sql);
  if (dialect === 'sqlite') return plan.filter((line) => names.some((n) => new RegExp(`^SCAN ${n}\\b`).test(line)));
  return plan.filter((line) => /Seq Scan on (deliveries|attempts)\b/.test(line));
}

describe.each(BACKENDS)('queue and log statements use an index (%s)', (backend) => {
  let t: TestApp;
  let ctx: AppContext;
  let p: Principal;
  let webhookId: string;
  let pendingIds: string[];

  beforeAll(async () => {
    t = await createTestApp(backend, { allowPrivateTargets: ['127.0.0.0/8'], secretKey: 'test-secret-key-0123456789abcdef' }, { clock: () => NOW });
    ctx = t.ctx;
    const db = ctx.store.db;
    const member = await db.selectFrom('members').selectAll().executeTakeFirstOrThrow();
    const team = await db.selectFrom('teams').selectAll().where('id', '=', member.team_id).executeTakeFirstOrThrow();
    p = { teamId: team.id, teamName: team.name, memberId: member.id, email: member.email, name: member.name, role: 'admin', instanceAdmin: true, apiKeyId: 'key_1' };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${t.adminKey}` }, payload: { url: 'http://127.0.0.1:9/a', events: ['*'] } });
    webhookId = res.json<{ id: string }>().id;
    await db.updateTable('webhooks').set({ enabled: 0 }).where('id', '=', webhookId).execute();
    for (let i = 0; i < 20; i++) {
      await insertDelivery(db, { teamId: p.teamId, webhookId, eventType: 'TASKS_CREATED', status: 'succeeded', createdAt: NOW - 3_600_000 + i, attempts: [{ at: NOW - 3_600_000 + i, outcome: 'ok', status: 200, durationMs: 3 }] });
    }
    pendingIds = [];
    for (let i = 0; i < 3; i++) {
      pendingIds.push(await insertDelivery(db, { teamId: p.teamId, webhookId, eventType: 'TASKS_CREATED', status: 'pending', createdAt: NOW - 1000 + i, attempts: [] }));
    }
    await db.updateTable('webhooks').set({ enabled: 1 }).where('id', '=', webhookId).execute();
  });
  afterAll(async () => t.close());

  const owner = 'wrk_plans';
  const onPg = backend === 'postgres';
  /**
   * A case: what runs, and the indexes its plans must name on this database (the hot statements' own; on SQLite the
   * due indexes are partial, migration 012, and a statement names one only if SQLite proved its predicate).
   */
  type Case = [string, () => Promise<unknown>, string[]];
  const cases: Case[] = [
    [
      'claim',
      () => claimDeliveries(ctx.store, { now: NOW, owner, leaseMs: 30_000, limit: 10, perWebhook: 5, concurrency: 5, exclude: [] }),
      // PostgreSQL probes each webhook's due rows (claim-shares.ts): no scan of every webhook's through the due order.
      onPg ? ['deliveries_webhook_due'] : ['deliveries_webhook_due', 'deliveries_due_order'],
    ],
    [
      // The claim of every poll but one a second: on PostgreSQL its probe and lease stamp are one statement.
      'claim without expired leases',
      () => claimDeliveries(ctx.store, { now: NOW, owner: 'wrk_plans_2', leaseMs: 30_000, limit: 10, perWebhook: 5, concurrency: 5, exclude: [], includeExpired: false }),
      ['deliveries_webhook_due'],
    ],
    ['claim excluding a webhook', () => claimDeliveries(ctx.store, { now: NOW + 60_000, owner, leaseMs: 30_000, limit: 10, perWebhook: 5, concurrency: 5, exclude: ['wh_other'] }), []],
    ['next due', () => nextDueAt(ctx.store, NOW), ['deliveries_due_order']],
    ['renew leases', () => renewHeldLeases(ctx.store, owner, pendingIds, NOW + 60_000), []],
    ['record a retry', () => ctx.store.db.transaction().execute((trx) => recordAttemptState(trx, owner, pendingIds[0]!, { status: 'pending', next_attempt_at: NOW + 1000, completed_at: null, last_status: 500, last_error: 'HTTP 500' }, NOW)), []],
    ['record successes', () => ctx.store.db.transaction().execute((trx) => recordSucceeded(trx, owner, pendingIds.slice(1), 200, NOW)), []],
    ['existing deliveries', () => existingDeliveryIds(ctx.store.db, pendingIds), []],
    ['release some leases', () => releaseHeldLeases(ctx.store, owner, NOW, pendingIds), []],
    ['release all own leases', () => releaseHeldLeases(ctx.store, owner, NOW), []],
    ['release every lease', () => releaseEveryLease(ctx.store, NOW), onPg ? [] : ['deliveries_due_order']],
    ['open batches', () => ctx.store.db.transaction().execute((trx) => lockOpenBatches(trx, ctx.store.capabilities, [webhookId])), onPg ? [] : ['deliveries_open_batch']],
    ['queue snapshot', () => readQueueSnapshot(ctx.store, NOW), onPg ? [] : ['deliveries_due_order']],
    ['prune attempt bodies', () => pruneAttemptBodies({ ...ctx, clock: () => NOW + 86_400_000 * 30 }), [onPg ? 'attempts_pkey' : 'sqlite_autoindex_attempts_1']],
    ['delivery log', () => listDeliveries(ctx, p, webhookId, { limit: 10, status: 'succeeded', beforeId: newId('dlv', NOW) }), ['deliveries_webhook']],
    ['one delivery', () => readDelivery(ctx, p, pendingIds[0]!), ['attempts_delivery']],
    ['stats of a webhook', () => deliveryStats(ctx, p, { window: 'hour', webhookId }), []],
    ['stats of the team', () => deliveryStats(ctx, p, { window: 'day' }), [onPg ? 'attempts_pkey' : 'sqlite_autoindex_attempts_1']],
    ['webhook health', () => webhookHealth(ctx, p), ['attempts_at']],
    ['replay (dry run)', () => replayDeliveries(ctx, p, webhookId, { since: new Date(NOW - 86_400_000).toISOString(), dryRun: true }), []],
    ['replay', () => replayDeliveries(ctx, p, webhookId, { since: new Date(NOW - 86_400_000).toISOString(), onlyFailed: true }), []],
    ['disable and cancel', () => ctx.store.db.transaction().execute((trx) => disableAndCancel(trx, ['wh_none'], owner, 'gone', NOW)), onPg ? [] : ['deliveries_webhook_due']],
    [
      'reap dead workers',
      async () => {
        const registry = workerRegistry(ctx.store);
        await registry?.register('wrk_dead');
        return registry?.reap(-60_000, NOW);
      },
      [],
    ],
    ['sweep orphaned leases', async () => workerRegistry(ctx.store)?.sweepOrphans(0, NOW, 30_000), []],
  ];

  it.each(cases)('%s', async (name, run, uses) => {
    const statements = await capture(run);
    // The worker registry exists on PostgreSQL only; every other case runs statements on the queue tables.
    if (onPg || !/worker|orphaned/.test(name)) expect(statements.length).toBeGreaterThan(0);
    const named = new Set<string>();
    for (const s of statements) {
      const plan = await explain(t, s);
      if (process.env.SHOW_PLANS) console.log(`${name}\n  ${s.sql}\n  ${JSON.stringify(s.parameters)}\n    ${plan.join('\n    ')}`);
      for (const line of plan) for (const m of line.matchAll(/(?:USING (?:COVERING )?INDEX|using|Index Scan on) (\w+)/g)) named.add(m[1]!);
      expect({ sql: s.sql, scans: scans(backend, s.sql, plan) }).toEqual({ sql: s.sql, scans: [] });
    }
    for (const index of uses) expect([...named]).toContain(index);
  });
});
