import { once } from 'node:events';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import type { DatasaurWebhookBody } from '../../sdk/types.js';
import { verifyWebhook } from '../../sdk/verify.js';
import { appendEvent } from '../../src/events/outbox.js';
import { openStore } from '../../src/store/db.js';
import { httpApi } from '../helpers/api-client.js';
import { BACKENDS } from '../helpers/backends.js';
import { OutputWatcher, spawnCli } from '../helpers/cli.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { startLiveServer, type LiveServer } from '../helpers/server.js';

interface StandardBody {
  type: string;
  data: { id: string; project: { id: string; name: string } | null };
}


// Each test spawns the compiled CLI (a Node process of its own); on a busy machine that takes a while.
const SLOW = 180_000;
describe.each(BACKENDS)('labelhook listen (%s)', (backend) => {
  let live: LiveServer;
  let receiver: TestReceiver;
  let child: ChildProcess | undefined;

  // Asserts a 2xx answer, as every setup call here expects.
  const api = (method: string, path: string, body?: unknown) => httpApi(live.url, live.adminKey).ok<{ id: string }>(method, path, body);

  const startListen = async (args: string[]) => {
    child = spawnCli(['listen', '--forward-to', receiver.url, ...args], { LABELHOOK_URL: live.url, LABELHOOK_API_KEY: live.adminKey });
    const out = new OutputWatcher(child);
    const secret = (await out.waitFor(/Signing secret for this session: (whsec_\S+)/))[1]!;
    await out.waitFor(/ready: streaming events after seq \d+/);
    return { out, secret };
  };

  const verified = (secret: string, from = 0) =>
    receiver.received.slice(from).map((r) => {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
      // The official Standard Webhooks library is the judge of the signature.
      return new Webhook(secret).verify(r.body, headers) as StandardBody;
    });

  beforeAll(async () => {
    live = await startLiveServer(backend);
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
    child = undefined;
    await receiver.close();
  });
  afterAll(async () => live.close());

  it('forwards each event to the local receiver signed and in order, printing event and response lines without colours', async () => {
    receiver = await startReceiver();
    const { out, secret } = await startListen([]);
    const names = ['Alpha', 'Beta', 'Gamma'];
    const projects: { id: string }[] = [];
    for (const name of names) projects.push(await api('POST', '/projects', { name }));
    await receiver.waitForCount(3, 60_000);
    const bodies = verified(secret);
    expect(bodies.map((b) => [b.type, b.data.project?.name])).toEqual(names.map((n) => ['PROJECT_CREATED', n]));
    expect(receiver.received.map((r) => r.headers['content-type'])).toEqual(['application/json', 'application/json', 'application/json']);
    await out.waitFor(/--> PROJECT_CREATED "Gamma"/);
    await out.waitFor(/<-- \[200\] POST http:\/\/127\.0\.0\.1:\d+\/hook \(\d+ ms\)/);
    const eventLines = out.lines.filter((l) => l.includes('--> '));
    expect(eventLines.map((l) => /--> (\S+) "(\w+)" \((prj_\w+)\)/.exec(l)?.slice(1))).toEqual(
      names.map((n, i) => ['PROJECT_CREATED', n, projects[i]!.id]),
    );
    expect(out.lines.join('\n')).not.toContain('\u001b[');
    child!.kill('SIGINT');
    const [code] = (await once(child!, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, SLOW);

  it('signs in the chosen format too (datasaur), verifiable with the SDK', async () => {
    receiver = await startReceiver();
    const { secret } = await startListen(['--format', 'datasaur', '--events', 'PROJECT_CREATED']);
    const project = await api('POST', '/projects', { name: 'Delta' });
    await api('PATCH', `/projects/${project.id}`, { name: 'Delta 2' });
    await api('POST', '/projects', { name: 'Epsilon' });
    await receiver.waitForCount(2, 60_000);
    const bodies = receiver.received.map(
      (r) => verifyWebhook({ format: 'datasaur', body: r.body, headers: { 'x-datasaur-signature': r.headers['x-datasaur-signature'] }, secret }) as DatasaurWebhookBody,
    );
    expect(bodies.map((b) => [b.eventType, (b.data as { project?: { name: string } }).project?.name])).toEqual([
      ['PROJECT_CREATED', 'Delta'],
      ['PROJECT_CREATED', 'Epsilon'],
    ]);
    expect(verified(secret)).toHaveLength(2);
  }, SLOW);

  it('resumes after the stream is cut or the server restarts, missing nothing and repeating nothing', async () => {
    receiver = await startReceiver();
    const { out, secret } = await startListen([]);
    const expected: string[] = [];
    expected.push((await api('POST', '/projects', { name: 'before-cut' })).id);
    await receiver.waitForCount(1, 60_000);

    // Cut 1: the server drops the connection; events committed before the listener is back must still arrive.
    live.server.app.eventStreams.closeAll();
    for (const name of ['cut-1', 'cut-2']) expected.push((await api('POST', '/projects', { name })).id);
    await receiver.waitForCount(3, 60_000);

    // Cut 2: the server goes away; another process commits events while it is down; then it comes back.
    const reconnects = out.lines.length;
    const port = live.server.port;
    await live.server.stop();
    const store = openStore(live.database.url);
    const team = await store.db.selectFrom('teams').select(['id', 'name']).executeTakeFirstOrThrow();
    const offline = [];
    for (let i = 0; i < 3; i++) {
      offline.push(
        await store.db.transaction().execute((trx) =>
          appendEvent(trx, { type: 'PING', team, project: null, actor: null, data: { message: `offline ${i}`, webhookId: 'none' } }, Date.now()),
        ),
      );
    }
    await store.close();
    await out.waitFor(/disconnected \(.*\); reconnecting in/, reconnects);
    await live.restart();
    expect(live.server.port).toBe(port);
    await out.waitFor(/reconnected: streaming events after seq \d+/, reconnects);
    expected.push((await api('POST', '/projects', { name: 'after-restart' })).id);
    await receiver.waitForCount(7, 60_000);
    const bodies = verified(secret);
    expect(bodies.map((b) => (b.type === 'PING' ? b.data.id : b.data.project!.id))).toEqual([...expected.slice(0, 3), ...offline.map((e) => e.id), expected[3]]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(7);
  }, SLOW);

  it('stops with the server’s error code when the key is refused', async () => {
    receiver = await startReceiver();
    child = spawnCli(['listen', '--forward-to', receiver.url, '--url', live.url, '--api-key', 'lh_wrong']);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('unauthorized');
    expect(stderr).toContain('HTTP 401');
  }, SLOW);
});
