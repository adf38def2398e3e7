import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { signDatasaur } from '../../src/webhooks/transport/sign-datasaur.js';
import { BACKENDS } from '../helpers/backends.js';
import { bump, createProject, createWebhook, startReceiver, useEngineApp, waitForDeliveries, type Receiver } from './receiver.js';

// Datasaur's documented request headers (its event reference shows them on every example request).
const DATASAUR = {
  'user-agent': 'Datasaur',
  accept: 'application/json, text/plain, */*',
  'accept-encoding': 'gzip, compress, deflate, br',
};

describe.each(BACKENDS)('request headers per format on the wire (%s)', (backend) => {
  const app = useEngineApp(backend);
  const receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  async function deliveredHeaders(format: string, extra: Record<string, unknown> = {}) {
    const r = await startReceiver();
    receivers.push(r);
    const projectId = await createProject(app);
    const hook = await createWebhook(app, { url: r.url, events: ['PROJECT_UPDATED'], projectId, format, ...extra });
    await bump(app, projectId, `headers-${format}`);
    const [got] = await r.waitFor((rs) => rs.length === 1);
    return { got: got!, hook };
  }

  it("sends Datasaur's user-agent, accept and accept-encoding in the datasaur format, with the webhook-* headers", async () => {
    const { got, hook } = await deliveredHeaders('datasaur', { headers: { 'x-team': 'ml' } });
    const names = Object.keys(got.headers).sort();
    expect(names).toEqual(
      [
        'accept',
        'accept-encoding',
        'connection',
        'content-length',
        'content-type',
        'host',
        'user-agent',
        'webhook-id',
        'webhook-signature',
        'webhook-timestamp',
        'x-datasaur-signature',
        'x-team',
      ].sort(),
    );
    expect(got.headers).toMatchObject({ ...DATASAUR, 'content-type': 'application/json', 'x-team': 'ml' });
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(got.body)));
    expect(got.headers['x-datasaur-signature']).toBe(signDatasaur(hook.secret, got.body));
    expect(() => new StandardWebhook(hook.secret).verify(got.body, got.headers as Record<string, string>)).not.toThrow();
  });

  it.each(['standard', 'label-studio', 'labelator'])("keeps labelhook's user-agent and no accept headers in the %s format", async (format) => {
    const { got } = await deliveredHeaders(format);
    expect(got.headers['user-agent']).toMatch(/^labelhook\/\d+\.\d+\.\d+/);
    expect(got.headers.accept).toBeUndefined();
    expect(got.headers['accept-encoding']).toBeUndefined();
    expect(got.headers['x-datasaur-signature']).toBeUndefined();
  });

  it("logs the datasaur request's headers as sent", async () => {
    const { hook } = await deliveredHeaders('datasaur');
    const [delivery] = await waitForDeliveries(app, hook.id, (ds) => ds.length === 1 && ds[0].status === 'succeeded');
    const detail = await app.api('GET', `/deliveries/${delivery.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.attempts[0].requestHeaders).toMatchObject(DATASAUR);
  });
});
