import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { createSecretBox } from '../../../src/webhooks/transport/secret-box.js';
import { httpApi } from '../../../test/helpers/api-client.js';
import { answerWith, startReceiver, type TestReceiver } from '../../../test/helpers/receiver.js';
import { waitUntil } from '../../../test/helpers/wait.js';

// The console end to end: a real labelhook (API, dispatcher and workers) on a temporary SQLite file, a
// real receiver on loopback and Debian's Chromium driving the built console like a person would.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const ADMIN_KEY = 'lh_console_e2e_admin_key_0123456789';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WAIT = 20_000;

let server: RunningServer;
let receiver: TestReceiver;
let browser: Browser;
let page: Page;
let base: string;
let dir: string;
let projectId: string;
let webhookId: string;
let documentId: string;
/** Content-Security-Policy violations any page reported (the console must cause none). */
const cspViolations: string[] = [];

/** Records every CSP violation of `p`, from the browser's console and from securitypolicyviolation events. */
async function watchCsp(p: Page): Promise<void> {
  p.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|apply|execute|connect|frame)/i.test(m.text())) cspViolations.push(m.text());
  });
  await p.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => console.error('Refused to load (Content Security Policy): ' + e.violatedDirective + ' ' + e.blockedURI));",
  });
}

function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  return httpApi(base, ADMIN_KEY).ok<T>(method, path, body);
}

/** Waits until the webhook has a delivery of `eventType` in `status` (the engine works asynchronously). */
function deliveryOf(eventType: string, status: string): Promise<{ id: string; status: string }> {
  return waitUntil(
    `a ${status} ${eventType} delivery`,
    async () => {
      const page = await api<{ data: { id: string; status: string; eventType: string }[] }>('GET', `/webhooks/${webhookId}/deliveries?eventType=${eventType}`);
      return page.data.find((d) => d.status === status);
    },
    { timeoutMs: WAIT, intervalMs: 100 },
  );
}

/** The receiver's answers: healthy, or failing with a body and a header the attempt log must show. */
const HEALTHY = answerWith({ status: 200, headers: { 'content-type': 'application/json', 'x-receiver': 'test' }, body: JSON.stringify({ received: true }) });
const FAILING = answerWith({ status: 500, headers: { 'content-type': 'text/plain', 'x-receiver': 'test' }, body: 'receiver is down: database unavailable' });

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Follows a link of the main navigation. */
async function nav(p: Page, name: string): Promise<void> {
  await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

async function signIn(p: Page, key: string): Promise<void> {
  await p.goto(`${base}/`);
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

async function buildConsoleIfMissing(): Promise<void> {
  if (existsSync(join(ROOT, 'console', 'dist', 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'console', 'vite.config.ts'), logLevel: 'error' });
}

describe('web console (Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildConsoleIfMissing();
    dir = mkdtempSync(join(tmpdir(), 'labelhook-console-'));
    const config = loadConfig(
      {
        LABELHOOK_DATABASE_URL: `sqlite:${join(dir, 'labelhook.db')}`,
        LABELHOOK_LOG_LEVEL: 'silent',
        LABELHOOK_ADMIN_KEY: ADMIN_KEY,
        LABELHOOK_RETRY_SCHEDULE: '50ms,50ms',
        LABELHOOK_POLL_INTERVAL: '50ms',
      },
      { port: 0, host: '127.0.0.1', allowPrivateTargets: ['127.0.0.0/8'] },
    );
    server = await startServer({ config, logger: pino({ level: 'silent' }), worker: true, listen: true });
    base = `http://127.0.0.1:${server.port}`;
    receiver = await startReceiver({ path: '/hooks/labelhook', handler: HEALTHY });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await watchCsp(page);
    const project = await api<{ id: string }>('POST', '/projects', {
      name: 'Support tickets',
      tags: ['ner'],
      labelSet: [{ id: 'per', label: 'PERSON', color: '#ff6b6b' }],
    });
    projectId = project.id;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a wrong API key with a clear message', async () => {
    await signIn(page, 'lh_not_a_real_key');
    await page.getByText('That API key is not valid.').waitFor();
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'sign-in-bad-key');
  });

  it('signs in with a valid key and shows the empty webhook list', async () => {
    await signIn(page, ADMIN_KEY);
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText('No webhooks yet').waitFor();
    await shot(page, 'webhooks-empty');
  });

  it('creates a webhook through the form, with a sample body in the chosen format', async () => {
    await page.getByRole('link', { name: 'New webhook' }).click();
    await page.getByRole('heading', { name: 'New webhook' }).waitFor();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Training pipeline trigger');
    await page.getByRole('radio', { name: 'One project' }).check();
    await page.getByLabel('Project', { exact: true }).selectOption({ label: 'Support tickets' });
    await page.getByRole('checkbox', { name: /^All events/ }).uncheck();
    for (const type of ['PROJECT_UPDATED', 'TASKS_CREATED', 'TASKS_EXCLUDED', 'PING']) {
      await page.getByRole('checkbox', { name: new RegExp(`^${type}`) }).check();
    }
    await page.getByRole('radio', { name: /^Datasaur/ }).check();
    await page.getByLabel('Sample event').selectOption('TASKS_CREATED');
    const sample = page.getByLabel('Sample TASKS_CREATED body in the datasaur format');
    await sample.getByText('"eventType": "TASKS_CREATED"').waitFor();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('Authorization');
    await page.getByLabel('Header 1 value').fill('Bearer receiver-token');
    await shot(page, 'webhook-form');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByRole('heading', { name: receiver.url }).waitFor();
    webhookId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
    const saved = await api<{ projectId: string; format: string; events: string[]; headers: Record<string, string> }>('GET', `/webhooks/${webhookId}`);
    expect(saved).toMatchObject({ projectId, format: 'datasaur', headers: { Authorization: '<redacted>' } });
    expect([...saved.events].sort()).toEqual(['PING', 'PROJECT_UPDATED', 'TASKS_CREATED', 'TASKS_EXCLUDED']);
  });

  it('sends a test event and shows the response inline', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.locator('.test-result');
    await result.getByText('HTTP 200').waitFor();
    await result.getByText('"received": true').waitFor();
    expect(receiver.received.at(-1)?.headers.authorization).toBe('Bearer receiver-token');
    expect(receiver.received.at(-1)?.headers['x-datasaur-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows deliveries of events triggered through the API', async () => {
    const imported = await api<{ data: { id: string }[] }>('POST', `/projects/${projectId}/documents`, {
      documents: [{ key: 'ticket-1', name: 'ticket-1.txt', text: 'Ada called.' }],
    });
    documentId = imported.data[0]!.id;
    await page.locator('tr[data-status="succeeded"]', { hasText: 'TASKS_CREATED' }).waitFor({ timeout: WAIT });
    await shot(page, 'webhook');
  });

  it('shows failed attempts with the receiver answer, and Redeliver repairs the delivery', async () => {
    receiver.handler = FAILING;
    await api('PATCH', `/projects/${projectId}`, { name: 'Support tickets v2' });
    const failed = await deliveryOf('PROJECT_UPDATED', 'failed');
    await page.locator(`tr[data-delivery-id="${failed.id}"][data-status="failed"]`).waitFor({ timeout: WAIT });
    await page.locator(`tr[data-delivery-id="${failed.id}"] a`).first().click();
    await page.getByRole('heading', { name: /PROJECT_UPDATED delivery/ }).waitFor();
    const attempts = page.locator('details.attempt');
    expect(await attempts.count()).toBe(3);
    const latest = attempts.first();
    await latest.getByText('HTTP 500').first().waitFor();
    await latest.getByLabel('Response body').getByText('receiver is down: database unavailable').waitFor();
    await latest.getByText('x-receiver').waitFor();
    await shot(page, 'delivery-failed');

    receiver.handler = HEALTHY;
    await page.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText('Redelivered: a new attempt was made.').waitFor();
    await page.locator('.title-row .badge', { hasText: 'succeeded' }).waitFor();
    expect(await attempts.count()).toBe(4);
    await shot(page, 'delivery-redelivered');
  });

  it('replays failed deliveries after confirming the dry-run count', async () => {
    receiver.handler = FAILING;
    await api('PATCH', `/projects/${projectId}`, { name: 'Support tickets v3' });
    const failed = await deliveryOf('PROJECT_UPDATED', 'failed');
    receiver.handler = HEALTHY;
    await page.goto(`${base}/#/webhooks/${webhookId}`);
    await page.getByRole('button', { name: 'Count deliveries to replay' }).click();
    await page.getByTestId('replay-count').getByText('1 delivery will be sent again.').waitFor();
    // The dry run changed nothing.
    expect((await api<{ status: string }>('GET', `/deliveries/${failed.id}`)).status).toBe('failed');
    await page.getByRole('button', { name: 'Replay 1' }).click();
    await page.getByText('1 delivery queued again.').waitFor();
    await expect.poll(async () => (await api<{ status: string }>('GET', `/deliveries/${failed.id}`)).status, { timeout: WAIT }).toBe('succeeded');
  });

  it('reveals and rotates the signing secret', async () => {
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const shown = page.getByTestId('secret-value');
    const before = (await shown.textContent()) ?? '';
    expect(before).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('Secret rotated.', { exact: false }).waitFor();
    const after = (await shown.textContent()) ?? '';
    expect(after).not.toBe(before);
    const secret = await api<{ secret: string; previousSecret: string }>('GET', `/webhooks/${webhookId}/secret`);
    expect(secret).toMatchObject({ secret: after, previousSecret: before });
  });

  it('edits a webhook and keeps its saved header values', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit webhook' }).waitFor();
    await page.getByLabel('Description').fill('Retrain on every annotation');
    await page.getByRole('checkbox', { name: /^ANNOTATION_CREATED/ }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Retrain on every annotation').waitFor();
    const saved = await api<{ events: string[]; headers: Record<string, string> }>('GET', `/webhooks/${webhookId}`);
    expect(saved.events).toContain('ANNOTATION_CREATED');
    expect(saved.headers).toEqual({ Authorization: '<redacted>' });
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.locator('.test-result').getByText('HTTP 200').waitFor();
    expect(receiver.received.at(-1)?.headers.authorization).toBe('Bearer receiver-token');
  });

  it('disables and enables the webhook', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('.title-row .badge', { hasText: 'disabled' }).waitFor();
    expect((await api<{ enabled: boolean }>('GET', `/webhooks/${webhookId}`)).enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.locator('.title-row .badge', { hasText: 'enabled' }).waitFor();
    expect((await api<{ enabled: boolean }>('GET', `/webhooks/${webhookId}`)).enabled).toBe(true);
  });

  it('lists webhooks with their success rate and the team delivery log with charts', async () => {
    await nav(page, 'Webhooks');
    const row = page.locator('tr', { hasText: receiver.url });
    await row.getByText(/% of \d+/).waitFor();
    await shot(page, 'webhooks');
    await nav(page, 'Deliveries');
    await page.getByTestId('chart-summary').getByText(/[1-9]\d* succeeded/).waitFor({ timeout: WAIT });
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No deliveries match these filters').waitFor({ timeout: WAIT });
    await page.getByLabel('Status').selectOption('succeeded');
    await page.locator('tr[data-status="succeeded"]').first().waitFor();
    await page.getByRole('button', { name: 'Last day' }).click();
    await page.getByTestId('chart-summary').getByText(/Last day:/).waitFor();
    await shot(page, 'deliveries');
  });

  it('shows projects with counts, and a project with its documents and events', async () => {
    await nav(page, 'Projects');
    const row = page.locator('tr', { hasText: 'Support tickets v3' });
    await row.waitFor();
    expect(await row.locator('td.num').first().textContent()).toBe('1');
    await shot(page, 'projects');
    await api('POST', `/documents/${documentId}/complete`, { mode: 'labeler' });
    await row.getByRole('link').click();
    const doc = page.locator('tr', { hasText: 'ticket-1.txt' });
    await doc.locator('.badge', { hasText: 'completed' }).waitFor();
    await page.locator('.event-type', { hasText: 'TASKS_CREATED' }).waitFor();
    await page.locator('.event-type', { hasText: 'PROJECT_CREATED' }).waitFor();
    await shot(page, 'project');
  });

  it('deletes a webhook after confirmation', async () => {
    const extra = await api<{ id: string }>('POST', '/webhooks', { url: `${receiver.url}?extra`, events: ['*'] });
    await page.goto(`${base}/#/webhooks/${extra.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.locator('tr', { hasText: receiver.url }).first().waitFor();
    expect(await page.locator('tr', { hasText: '?extra' }).count()).toBe(0);
    await expect(api('GET', `/webhooks/${extra.id}`)).rejects.toThrow(/404/);
  });

  it('works on a 390 px wide phone screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await watchCsp(phone);
    try {
      await signIn(phone, ADMIN_KEY);
      await phone.getByRole('heading', { name: 'Webhooks' }).waitFor();
      const overflow = async () => Number(await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot(phone, 'phone-webhooks');
      await phone.goto(`${base}/#/webhooks/${webhookId}`);
      await phone.getByRole('heading', { name: receiver.url }).waitFor();
      await phone.locator('tr[data-status="succeeded"]').first().waitFor({ timeout: WAIT });
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot(phone, 'phone-webhook');
      await phone.locator('tr[data-status="succeeded"] a').first().click();
      await phone.getByRole('heading', { name: /delivery/ }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot(phone, 'phone-delivery');
    } finally {
      await phone.close();
    }
  });

  it('lists a webhook whose secret cannot be decrypted, marked, next to the others', async () => {
    const hook = await api<{ id: string }>('POST', '/webhooks', { url: receiver.url, events: ['PING'], description: 'Spoiled secret' });
    const foreign = createSecretBox('another-labelhook-secret-key-0123456789').seal('whsec_' + Buffer.alloc(24, 3).toString('base64'));
    await server.ctx.store.db.updateTable('webhooks').set({ secret_enc: foreign }).where('id', '=', hook.id).execute();
    await page.goto(`${base}/#/webhooks`);
    await page.reload(); // the same address only changes the hash: load the list again
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Spoiled secret' });
    await row.getByTestId('secret-unreadable').waitFor();
    expect(await page.getByTestId('secret-unreadable').count()).toBe(1);
    await shot(page, 'webhooks-secret-unreadable');
  });

  it("serves the console a strict CSP that the console's own scripts and styles pass: no violation on any page above", async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(cspViolations).toEqual([]);
  });
});
