import type { ServerResponse } from 'node:http';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { freePort } from '../helpers/ports.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from './receiver.js';

const nameOf = (body: string): string => (JSON.parse(body) as { data: { project: { name: string } } }).data.project.name;

describe.each(BACKENDS)('webhook delivery (%s)', (backend) => {
  const app = useEngineApp(backend, { retryScheduleMs: [30, 60, 90, 120, 150] });
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>): Promise<Receiver> => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('delivers a committed change, signed so the official standardwebhooks library verifies it', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: `${r.url}/hook`, events: ['PROJECT_UPDATED'], projectId, headers: { Authorization: 'Bearer receiver-token' } });
    await bump(app, projectId, 'renamed');
    const [got] = await r.waitFor((rs) => rs.length >= 1);
    expect(got!.headers['user-agent']).toMatch(/^labelhook\/\d+\.\d+\.\d+/);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers.authorization).toBe('Bearer receiver-token');
    const verified = new StandardWebhook(hook.secret).verify(got!.body, got!.headers as Record<string, string>) as { type: string };
    expect(verified.type).toBe('PROJECT_UPDATED');
    expect(nameOf(got!.body)).toBe('renamed');
    const [d] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'succeeded');
    expect(d.messageId).toBe(got!.headers['webhook-id']);
    const detail = await app.api('GET', `/deliveries/${d.id}`);
    expect(detail.json.attempts).toHaveLength(1);
    expect(detail.json.attempts[0]).toMatchObject({ responseStatus: 200, responseBody: 'ok', requestBody: got!.body, outcome: 'ok' });
    // The attempt log never keeps custom header values.
    expect(detail.json.attempts[0].requestHeaders.Authorization).toBe('<redacted>');
  });

  it('retries a failing receiver and succeeds, with one webhook-id across attempts', async () => {
    let calls = 0;
    const r = await receiver((_req, res) => {
      calls += 1;
      res.statusCode = calls <= 2 ? 500 : 200;
      res.end(calls <= 2 ? 'boom' : 'ok');
    });
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
    await bump(app, projectId, 'retry-me');
    const [d] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'succeeded');
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers['webhook-id']))).toEqual(new Set([d.messageId]));
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    const detail = await app.api('GET', `/deliveries/${d.id}`);
    expect(detail.json.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 500, 200]);
    expect(detail.json.attemptCount).toBe(3);
  });

  it('marks a delivery failed once the retry schedule is spent (connection refused)', async () => {
    const port = await freePort();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: `http://127.0.0.1:${port}/gone`, events: ['PROJECT_UPDATED'], projectId });
    await bump(app, projectId, 'nobody-home');
    const [d] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'failed');
    const detail = await app.api('GET', `/deliveries/${d.id}`);
    // The first try plus one retry per schedule step.
    expect(detail.json.attempts).toHaveLength(6);
    for (const a of detail.json.attempts) {
      expect(a.responseStatus).toBeNull();
      expect(a.error).toMatch(/^connection_refused/);
    }
    const webhook = await app.api('GET', `/webhooks/${hook.id}`);
    expect(webhook.json.failingSince).not.toBeNull();
  });

  it('a 410 disables the webhook and cancels its pending deliveries', async () => {
    const held: ServerResponse[] = [];
    const r = await receiver((_req, res) => held.push(res));
    const projectId = await createProject(app);
    // Ordered, so the later deliveries stay queued behind the first while it is held.
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, ordered: true });
    for (let i = 0; i < 3; i++) await bump(app, projectId, `n${i}`);
    await waitForDeliveries(app, hook.id, (x) => x.length === 3);
    await r.waitFor((rs) => rs.length === 1);
    held[0]!.statusCode = 410;
    held[0]!.end('gone');
    const ds = await waitForDeliveries(app, hook.id, (x) => x.every((d) => d.status === 'failed' || d.status === 'cancelled'));
    expect(ds.filter((d) => d.status === 'failed')).toHaveLength(1);
    expect(ds.filter((d) => d.status === 'cancelled')).toHaveLength(2);
    expect(r.received).toHaveLength(1);
    const webhook = await app.api('GET', `/webhooks/${hook.id}`);
    expect(webhook.json.enabled).toBe(false);
    expect(webhook.json.disabledReason).toMatch(/410/);
  });

  it('redelivers a delivery now with the same body and webhook-id', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
    await bump(app, projectId, 'again');
    const [d] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'succeeded');
    const res = await app.api('POST', `/deliveries/${d.id}/redeliver`, {});
    expect(res.status).toBe(200);
    expect(res.json.attempt).toMatchObject({ attemptNo: 2, responseStatus: 200 });
    expect(res.json.delivery).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(r.received).toHaveLength(2);
    expect(r.received[1]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id']);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
  });

  it('replays failed deliveries since a time, counting first with a dry run', async () => {
    let healthy = false;
    const r = await receiver((req, res) => {
      res.statusCode = healthy || !nameOf(req.body).startsWith('fail') ? 200 : 500;
      res.end();
    });
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
    const since = new Date(Date.now() - 1000).toISOString();
    for (const name of ['ok-1', 'fail-1', 'ok-2', 'fail-2']) await bump(app, projectId, name);
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 4 && ds.every((d) => d.status === 'succeeded' || d.status === 'failed'));
    expect((await app.api('POST', `/webhooks/${hook.id}/replay`, { since, onlyFailed: true, dryRun: true })).json).toEqual({ count: 2, dryRun: true });
    expect((await app.api('POST', `/webhooks/${hook.id}/replay`, { since, dryRun: true })).json).toEqual({ count: 4, dryRun: true });
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await app.api('POST', `/webhooks/${hook.id}/replay`, { since: future, dryRun: true })).json.count).toBe(0);
    healthy = true;
    const before = r.received.length;
    expect((await app.api('POST', `/webhooks/${hook.id}/replay`, { since, onlyFailed: true })).json).toEqual({ count: 2, dryRun: false });
    const ds = await waitForDeliveries(app, hook.id, (x) => x.every((d) => d.status === 'succeeded'));
    expect(ds).toHaveLength(4);
    const replayed = r.received.slice(before);
    expect(replayed.map((x) => nameOf(x.body)).sort()).toEqual(['fail-1', 'fail-2']);
    // A replay keeps each delivery's webhook-id, so receivers can de-duplicate.
    const idByName = new Map(r.received.slice(0, before).map((x) => [nameOf(x.body), x.headers['webhook-id']]));
    expect(replayed.map((x) => x.headers['webhook-id']).sort()).toEqual([idByName.get('fail-1'), idByName.get('fail-2')].sort());
    const badSince = await app.api('POST', `/webhooks/${hook.id}/replay`, { since: 'yesterday' });
    expect([badSince.status, badSince.json.error.code]).toEqual([400, 'invalid_since']);
  });

  it('signs with both secrets during a rotation overlap, so old and new secrets verify', async () => {
    const r = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
    const rotated = (await app.api('POST', `/webhooks/${hook.id}/rotate-secret`, {})).json;
    await bump(app, projectId, 'rotated');
    const [got] = await r.waitFor((rs) => rs.length >= 1);
    expect(String(got!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const headers = got!.headers as Record<string, string>;
    expect(() => new StandardWebhook(hook.secret).verify(got!.body, headers)).not.toThrow();
    expect(() => new StandardWebhook(rotated.secret).verify(got!.body, headers)).not.toThrow();
    expect(() => new StandardWebhook('whsec_' + Buffer.alloc(24, 7).toString('base64')).verify(got!.body, headers)).toThrow();
  });

  it('delivers an ordered webhook strictly in event order, a failing head holding back only its own line', async () => {
    const failuresLeft = new Map([['o-0', 2], ['o-2', 1]]);
    const r = await receiver((req, res) => {
      const name = nameOf(req.body);
      const left = failuresLeft.get(name) ?? 0;
      failuresLeft.set(name, left - 1);
      res.statusCode = left > 0 ? 503 : 200;
      res.end();
    });
    const other = await receiver();
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, ordered: true });
    const free = await createWebhook(app, { url: other.url, events: ['PROJECT_UPDATED'], projectId });
    const names = Array.from({ length: 6 }, (_, i) => `o-${i}`);
    for (const name of names) await bump(app, projectId, name);
    await waitForDeliveries(app, hook.id, (ds) => ds.length === 6 && ds.every((d) => d.status === 'succeeded'));
    // Retries repeat an event (at least once), but never does a later event go out before an earlier one succeeded.
    const seen = r.received.map((x) => nameOf(x.body));
    expect(seen.filter((name, i) => name !== seen[i - 1])).toEqual(names);
    expect(seen.filter((name) => name === 'o-0').length).toBeGreaterThanOrEqual(3);
    expect(seen.filter((name) => name === 'o-2').length).toBeGreaterThanOrEqual(2);
    // The unordered webhook on the same events was not held back by the ordered one's failures.
    await waitForDeliveries(app, free.id, (ds) => ds.length === 6 && ds.every((d) => d.status === 'succeeded'));
    expect(other.received.map((x) => nameOf(x.body)).sort()).toEqual(names);
  });
});

describe.each(BACKENDS)('Retry-After (%s)', (backend) => {
  const app = useEngineApp(backend, { retryScheduleMs: [20, 5000] });

  it('waits as long as a 429 Retry-After asks instead of the schedule step', async () => {
    let calls = 0;
    const r = await startReceiver((_req, res) => {
      calls += 1;
      res.statusCode = calls === 1 ? 429 : 200;
      if (calls === 1) res.setHeader('retry-after', '1');
      res.end();
    });
    try {
      const projectId = await createProject(app);
      const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
      await bump(app, projectId, 'later');
      const [pending] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.attemptCount === 1 && ds[0]?.status === 'pending');
      const detail = await app.api('GET', `/deliveries/${pending.id}`);
      const firstAt = Date.parse(detail.json.attempts[0].at);
      // The schedule says ~20 ms; Retry-After says 1 s.
      expect(Date.parse(pending.nextAttemptAt) - firstAt).toBeGreaterThanOrEqual(900);
      const [done] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.status === 'succeeded');
      expect(done.attemptCount).toBe(2);
    } finally {
      await r.close();
    }
  });
});

describe.each(BACKENDS)('request timeout (%s)', (backend) => {
  const app = useEngineApp(backend, { requestTimeoutMs: 300 });
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>): Promise<Receiver> => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('gives up on a receiver that does not answer within the request timeout, and retries', async () => {
    const r = await receiver(() => undefined);
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId });
    await bump(app, projectId, 'slow');
    const [d] = await waitForDeliveries(app, hook.id, (ds) => ds[0]?.attemptCount >= 2);
    const detail = await app.api('GET', `/deliveries/${d.id}`);
    expect(detail.json.attempts[0].error).toMatch(/^timeout/);
    expect(detail.json.attempts[0].responseStatus).toBeNull();
    await app.api('PATCH', `/webhooks/${hook.id}`, { enabled: false });
  });

});
