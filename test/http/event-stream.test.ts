import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/domain/api-keys.js';
import type { CommitSignal } from '../../src/events/commit-signal.js';
import type { ProjectRef, StoredEvent } from '../../src/events/event.js';
import { appendEvent, outboxTransaction } from '../../src/events/outbox.js';
import { newId } from '../../src/ids.js';
import { BACKENDS } from '../helpers/backends.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';

/** A live SSE connection to the test server that records every message. */
interface Listener {
  messages: EventSourceMessage[];
  events(): StoredEvent[];
  waitFor(predicate: (messages: EventSourceMessage[]) => boolean): Promise<void>;
  close(): void;
}

async function listen(base: string, key: string, query = '', headers: Record<string, string> = {}): Promise<Listener> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/events/stream${query}`, { headers: { ...bearer(key), accept: 'text/event-stream', ...headers }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const messages: EventSourceMessage[] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent: (m) => {
      messages.push(m);
      for (const w of [...waiters]) w();
    },
  });
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // aborted by close()
    }
  })();
  return {
    messages,
    events: () => messages.filter((m) => m.event !== 'ready').map((m) => JSON.parse(m.data) as StoredEvent),
    waitFor: (predicate) =>
      new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(messages.map((m) => m.event))}`)), 10_000);
        const check = () => {
          if (!predicate(messages)) return;
          clearTimeout(timeout);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
}

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

describe.each(BACKENDS)('GET /api/v1/events/stream (%s)', (backend) => {
  let t: TestApp;
  let base: string;
  let signal: CommitSignal;
  let teamId: string;
  let project: ProjectRef;
  let otherProject: ProjectRef;
  let labelerKey: string;
  let otherTeamKey: string;
  let otherTeamId: string;

  async function emit(type: 'PROJECT_UPDATED' | 'TASK_COMPLETED' | 'PING', onProject: ProjectRef | null, opts: { team?: string; notify?: boolean } = {}): Promise<StoredEvent> {
    // The outbox announces its own commit; a plain transaction stands for another process (no announcement).
    const builder = opts.notify === false ? t.ctx.store.db.transaction() : outboxTransaction(t.ctx);
    const event = await builder.execute((trx) =>
      appendEvent(
        trx,
        {
          type,
          team: { id: opts.team ?? teamId, name: 'team' },
          project: onProject,
          actor: null,
          data: (type === 'PING' ? { message: 'hi', webhookId: 'wh_x' } : { project: onProject, before: {}, changed: [] }) as never,
        },
        Date.now(),
      ),
    );
    return event;
  }

  async function insertProject(team: string, name: string): Promise<ProjectRef> {
    const now = Date.now();
    const id = newId('prj', now);
    await t.ctx.store.db
      .insertInto('projects')
      .values({ id, team_id: team, name, tags: '[]', label_set: '[]', status: 'CREATED', created_at: now, updated_at: now })
      .execute();
    return { id, name, tags: [], status: 'CREATED', labelSet: [], createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() };
  }

  beforeAll(async () => {
    t = await createTestApp(backend);
    signal = t.ctx.commitSignal;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const db = t.ctx.store.db;
    const admin = await db.selectFrom('members').select(['id', 'team_id']).executeTakeFirstOrThrow();
    teamId = admin.team_id;
    const now = Date.now();
    const labelerId = newId('mem', now);
    await db.insertInto('members').values({ id: labelerId, team_id: teamId, email: 'l@x.test', name: 'L', role: 'labeler', instance_admin: 0, created_at: now }).execute();
    labelerKey = (await issueApiKey(db, { teamId, memberId: labelerId, name: 'labeler' }, now)).key;
    otherTeamId = newId('team', now);
    await db.insertInto('teams').values({ id: otherTeamId, name: 'Other', created_at: now }).execute();
    const otherAdmin = newId('mem', now);
    await db.insertInto('members').values({ id: otherAdmin, team_id: otherTeamId, email: 'o@x.test', name: 'O', role: 'admin', instance_admin: 0, created_at: now }).execute();
    otherTeamKey = (await issueApiKey(db, { teamId: otherTeamId, memberId: otherAdmin, name: 'other' }, now)).key;
    project = await insertProject(teamId, 'Alpha');
    otherProject = await insertProject(otherTeamId, 'Theirs');
  });
  afterAll(async () => t.close());

  it('starts at the newest event, announces its position, then streams new events in order as they commit', async () => {
    const before = await emit('PING', null);
    const l = await listen(base, labelerKey);
    await l.waitFor((m) => m.length >= 1);
    expect(l.messages[0]).toMatchObject({ event: 'ready', id: String(before.seq) });
    const emitted = [await emit('PROJECT_UPDATED', project), await emit('TASK_COMPLETED', project), await emit('PING', null)];
    await l.waitFor((m) => m.length >= 4);
    l.close();
    expect(l.messages.slice(1).map((m) => [m.id, m.event])).toEqual(emitted.map((e) => [String(e.seq), e.type]));
    expect(l.events()).toEqual(emitted);
  });

  it('replays stored events after Last-Event-ID (or since) before streaming live ones', async () => {
    const first = await emit('PING', null);
    const missed = [await emit('PROJECT_UPDATED', project), await emit('TASK_COMPLETED', project)];
    const l = await listen(base, labelerKey, `?since=0`, { 'last-event-id': String(first.seq) });
    await l.waitFor((m) => m.length >= 3);
    const live = await emit('PING', null);
    await l.waitFor((m) => m.length >= 4);
    l.close();
    expect(l.events().map((e) => e.seq)).toEqual([...missed, live].map((e) => e.seq));

    const bySince = await listen(base, labelerKey, `?since=${first.seq}`);
    await bySince.waitFor((m) => m.length >= 4);
    bySince.close();
    expect(bySince.events().map((e) => e.seq)).toEqual([...missed, live].map((e) => e.seq));
  });

  it('carries only the chosen types and project, and never another team’s events', async () => {
    const start = await emit('PING', null);
    const l = await listen(base, labelerKey, `?since=${start.seq}&types=TASK_COMPLETED,PROJECT_UPDATED&projectId=${project.id}`);
    await emit('PING', null);
    await emit('TASK_COMPLETED', otherProject, { team: otherTeamId });
    const other = await insertProject(teamId, 'Beta');
    await emit('TASK_COMPLETED', other);
    const wanted = await emit('TASK_COMPLETED', project);
    await l.waitFor((m) => m.some((x) => x.id === String(wanted.seq)));
    l.close();
    expect(l.events().map((e) => e.seq)).toEqual([wanted.seq]);

    const theirs = await listen(base, otherTeamKey, `?since=${start.seq}`);
    await theirs.waitFor((m) => m.length >= 2);
    theirs.close();
    expect(theirs.events().every((e) => e.team.id === otherTeamId)).toBe(true);
  });

  it('finds events committed without a wake-up (another process) by polling', async () => {
    const l = await listen(base, labelerKey);
    await l.waitFor((m) => m.length >= 1);
    const quiet = await emit('PING', null, { notify: false });
    await l.waitFor((m) => m.some((x) => x.id === String(quiet.seq)));
    l.close();
  });

  it('releases the subscription when the client disconnects', async () => {
    await eventually(() => t.app.eventStreams.size === 0);
    const a = await listen(base, labelerKey);
    const b = await listen(base, labelerKey);
    await a.waitFor((m) => m.length >= 1);
    await b.waitFor((m) => m.length >= 1);
    expect(t.app.eventStreams.size).toBe(2);
    expect(signal.listenerCount()).toBe(2);
    a.close();
    b.close();
    await eventually(() => t.app.eventStreams.size === 0 && signal.listenerCount() === 0);
  });

  // Only PostgreSQL runs writers concurrently: there a later seq can commit before an earlier one.
  if (backend === 'postgres') {
    it('holds back behind a transaction still open, so an earlier seq that commits later is not skipped', async () => {
      const start = await emit('PING', null);
      const l = await listen(base, labelerKey, `?since=${start.seq}`);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedEarly = new Promise<void>((resolve) => (inserted = resolve));
      const slow = outboxTransaction(t.ctx).execute(async (trx) => {
        const e = await appendEvent(trx, { type: 'PING', team: { id: teamId, name: 'team' }, project: null, actor: null, data: { message: 'slow', webhookId: 'x' } }, Date.now());
        inserted();
        await held;
        return e;
      });
      await insertedEarly;
      const fast = await emit('PING', null);
      // Let the stream poll while the earlier seq is still invisible.
      await new Promise((r) => setTimeout(r, 700));
      release();
      const early = await slow;
      expect(early.seq).toBeLessThan(fast.seq);
      await l.waitFor((m) => m.filter((x) => x.event !== 'ready').length >= 2);
      l.close();
      expect(l.events().map((e) => e.seq)).toEqual([early.seq, fast.seq]);
    });
  }

  it('refuses an unknown event type (422), another team’s project (404) and a missing key (401)', async () => {
    const bad = await t.app.inject({ url: '/api/v1/events/stream?types=NOPE', headers: bearer(labelerKey) });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('unknown_event_type');
    const foreign = await t.app.inject({ url: `/api/v1/events/stream?projectId=${otherProject.id}`, headers: bearer(labelerKey) });
    expect(foreign.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/events/stream' })).statusCode).toBe(401);
    const badId = await t.app.inject({ url: '/api/v1/events/stream', headers: { ...bearer(labelerKey), 'last-event-id': 'abc' } });
    expect(badId.statusCode).toBe(400);
  });
});
