import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { startLiveServer, type LiveServer } from '../helpers/server.js';

// Each run spawns the CLI; on a busy machine that takes a while.
const SLOW = 180_000;
describe.each(BACKENDS)('labelhook webhooks create --max-body-bytes (%s)', (backend) => {
  let live: LiveServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    live = await startLiveServer(backend);
    env = { LABELHOOK_URL: live.url, LABELHOOK_API_KEY: live.adminKey };
  });
  afterAll(async () => {
    await live.close();
  });

  it('sets the limit, and prints the bounds the server answers for one out of range', async () => {
    const created = await runCli(['webhooks', 'create', '--url', 'http://127.0.0.1:9/hook', '--max-body-bytes', '1048576', '--json'], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ maxBodyBytes: 1_048_576 });
    const low = await runCli(['webhooks', 'create', '--url', 'http://127.0.0.1:9/hook', '--max-body-bytes', '100'], env);
    expect(low.code).toBe(1);
    expect(low.stderr).toContain('invalid_max_body_bytes: maxBodyBytes must be a whole number of bytes from 4096 to 10485760.');
    const word = await runCli(['webhooks', 'create', '--url', 'http://127.0.0.1:9/hook', '--max-body-bytes', 'big'], env);
    expect(word.code).not.toBe(0);
    expect(word.stderr).toContain('a whole number of bytes');
  }, SLOW);
});
