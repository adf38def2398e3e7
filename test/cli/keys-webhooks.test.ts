import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/api-client.js';
import { BACKENDS } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { startLiveServer, type LiveServer } from '../helpers/server.js';


// Each test spawns the compiled CLI (a Node process of its own); on a busy machine that takes a while.
const SLOW = 180_000;
describe.each(BACKENDS)('labelhook keys and webhooks (%s)', (backend) => {
  let live: LiveServer;
  let receiver: TestReceiver;
  let env: Record<string, string>;
  const status = async (key: string) => (await httpApi(live.url, key).call('GET', '/me')).status;

  beforeAll(async () => {
    live = await startLiveServer(backend);
    receiver = await startReceiver();
    env = { LABELHOOK_URL: live.url, LABELHOOK_API_KEY: live.adminKey };
  });
  afterAll(async () => {
    await receiver.close();
    await live.close();
  });

  it('keys create, list and revoke, with --json for scripts', async () => {
    const created = await runCli(['keys', 'create', '--name', 'ci', '--json'], env);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; name: string; member: { email: string } };
    expect(key).toMatchObject({ name: 'ci', member: { email: 'admin@localhost' } });
    expect(await status(key.key)).toBe(200);

    const list = await runCli(['keys', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { id: string; revokedAt: string | null }[];
    expect(listed.find((k) => k.id === key.id)).toMatchObject({ revokedAt: null });
    expect(list.stdout).not.toContain(key.key);

    const revoked = await runCli(['keys', 'revoke', key.id, '--json'], env);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout).revokedAt).toEqual(expect.any(String));
    expect(await status(key.key)).toBe(401);

    const table = await runCli(['keys', 'list'], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+NAME\s+MEMBER\s+ROLE\s+CREATED\s+STATUS$/);
    expect(table.stdout).toMatch(new RegExp(`${key.id}\\s+\\S+…\\s+ci\\s+admin@localhost\\s+admin\\s+\\S+\\s+revoked `));
    expect(table.stdout).not.toContain('\u001b[');
  }, SLOW);

  it('keys create --email --role adds a member with its own key', async () => {
    const r = await runCli(['keys', 'create', '--email', 'ann@example.com', '--role', 'labeler'], env);
    expect(r.code).toBe(0);
    const apiKey = /API key \(shown only now; store it safely\): (\S+)/.exec(r.stdout)?.[1];
    expect(r.stdout).toContain('Added ann@example.com (labeler');
    expect(await status(apiKey!)).toBe(200);
  }, SLOW);

  it('prints the server’s error code and message, and asks for a key when there is none', async () => {
    const missing = await runCli(['keys', 'revoke', 'key_missing'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not_found: API key key_missing was not found. (HTTP 404)');
    const noKey = await runCli(['keys', 'list', '--url', live.url], {});
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('An API key is needed: pass --api-key or set LABELHOOK_API_KEY.');
  }, SLOW);

  it('webhooks create, list and test: the PING reaches the receiver signed with the printed secret', async () => {
    const created = await runCli(['webhooks', 'create', '--url', receiver.url, '--events', 'PING,TASK_COMPLETED', '--json'], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const hook = JSON.parse(created.stdout) as { id: string; secret: string; events: string[]; format: string };
    expect(hook).toMatchObject({ events: ['PING', 'TASK_COMPLETED'], format: 'standard' });

    const list = await runCli(['webhooks', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((w) => w.id)).toContain(hook.id);
    expect(list.stdout).not.toContain(hook.secret);
    const table = await runCli(['webhooks', 'list'], env);
    expect(table.stdout).toMatch(new RegExp(`${hook.id}\\s+enabled\\s+standard\\s+team\\s+PING,TASK_COMPLETED\\s+${receiver.url.replace(/[/.]/g, '\\$&')}`));

    const test = await runCli(['webhooks', 'test', hook.id], env);
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/^PING delivered: HTTP 200 in \d+ ms \(delivery \S+\)\.\n$/);
    expect(receiver.received).toHaveLength(1);
    const req = receiver.received[0]!;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook(hook.secret).verify(req.body, headers)).toMatchObject({ type: 'PING' });

    receiver.answer({ status: 500 });
    const failing = await runCli(['webhooks', 'test', hook.id, '--json'], env);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ ok: false, responseStatus: 500 });
    receiver.answer({ status: 200 });
  }, SLOW);

  it('has --help for every command', async () => {
    for (const args of [['--help'], ['listen', '--help'], ['import', '--help'], ['verify', '--help'], ['keys', 'create', '--help'], ['webhooks', 'test', '--help']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: labelhook /);
    }
  }, SLOW);
});
