import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkUrlOnSave,
  createGuardedDispatcher,
  createTargetPolicy,
  type ResolveAll,
} from '../../src/webhooks/transport/ssrf-guard.js';
import { fakeResolver, unusedResolver } from '../helpers/fake-resolver.js';
import { answerWith, startReceiver as startTestReceiver, type TestReceiver } from '../helpers/receiver.js';

// Every request here goes to a receiver on 127.0.0.1; refused addresses are refused before any socket opens.
const noAllowList = createTargetPolicy([]);

describe('createGuardedDispatcher: checked at connect time', () => {
  let server: TestReceiver | undefined;
  let dispatcher: ReturnType<typeof createGuardedDispatcher> | undefined;

  /** A loopback receiver that counts TCP connections, so a test can prove none was opened. */
  async function startReceiver(): Promise<{ port: number; connections: () => number; readonly hosts: string[] }> {
    const r = await startTestReceiver({ handler: answerWith({ headers: {}, body: 'received' }) });
    server = r;
    return {
      port: r.port,
      connections: () => r.connections,
      get hosts() {
        return r.received.map((q) => q.headers.host ?? '');
      },
    };
  }

  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await server?.close();
    server = undefined;
  });

  async function requestError(url: string): Promise<Error & { code?: string }> {
    const err = await request(url, { dispatcher }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    return err as Error & { code?: string };
  }

  it('refuses a name resolving to a private address before any connection is opened', async () => {
    const receiver = await startReceiver();
    const resolver = fakeResolver({ 'rebind.test': ['10.0.0.1'] });
    dispatcher = createGuardedDispatcher(noAllowList, { connectTimeoutMs: 5000, lookup: resolver });

    const err = await requestError(`http://rebind.test:${receiver.port}/`);
    expect(err.code).toBe('LABELHOOK_SSRF_BLOCKED');
    expect(err.message).toContain('10.0.0.1');
    expect(resolver.calls).toContain('rebind.test');
    expect(receiver.connections()).toBe(0);
  });

  it('defeats DNS rebinding: a name that was public at save time and private at connect time is refused', async () => {
    const receiver = await startReceiver();
    const answers = [['1.1.1.1'], ['127.0.0.1']];
    let call = 0;
    const rebinding: ResolveAll = async () => (answers[Math.min(call++, 1)] ?? []).map((address) => ({ address, family: 4 }));
    const url = `http://rebind.test:${receiver.port}/`;

    await checkUrlOnSave(url, noAllowList, rebinding); // passes: 1.1.1.1 is only checked, never contacted
    dispatcher = createGuardedDispatcher(noAllowList, { connectTimeoutMs: 5000, lookup: rebinding });
    const err = await requestError(url);
    expect(err.code).toBe('LABELHOOK_SSRF_BLOCKED');
    expect(call).toBe(2);
    expect(receiver.connections()).toBe(0);
  });

  it.each(['127.0.0.1', '[::ffff:127.0.0.1]'])('refuses the IP-literal host %s (Node skips lookup for those)', async (host) => {
    const receiver = await startReceiver();
    dispatcher = createGuardedDispatcher(noAllowList, { connectTimeoutMs: 5000, lookup: unusedResolver });
    const err = await requestError(`http://${host}:${receiver.port}/`);
    expect(err.code).toBe('LABELHOOK_SSRF_BLOCKED');
    expect(receiver.connections()).toBe(0);
  });

  it('reaches a loopback receiver through the pinned address when the allow-list names 127.0.0.0/8', async () => {
    const receiver = await startReceiver();
    const resolver = fakeResolver({ 'rebind.test': ['127.0.0.1'] });
    dispatcher = createGuardedDispatcher(createTargetPolicy(['127.0.0.0/8']), {
      connectTimeoutMs: 5000,
      lookup: resolver,
    });

    const res = await request(`http://rebind.test:${receiver.port}/`, { dispatcher });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('received');
    expect(receiver.hosts).toEqual([`rebind.test:${receiver.port}`]);
    expect(receiver.connections()).toBe(1);
    expect(resolver.calls).toEqual(['rebind.test']);
  });
});
