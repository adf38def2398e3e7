import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startServer, type RunningServer } from '../../../src/server.js';

// The project page's Export panel end to end: a real labelhook (API and the engine, which runs export jobs) on a
// temporary SQLite file and Chromium driving the built console (npm run build makes console/dist).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const ADMIN_KEY = 'lh_console_export_admin_key_0123456789';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server: RunningServer;
let browser: Browser;
let page: Page;
let base: string;
let dir: string;

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

describe('console Export panel (Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'labelhook-console-export-'));
    const config = loadConfig(
      { LABELHOOK_DATABASE_URL: `sqlite:${join(dir, 'labelhook.db')}`, LABELHOOK_LOG_LEVEL: 'silent', LABELHOOK_ADMIN_KEY: ADMIN_KEY },
      { port: 0, host: '127.0.0.1' },
    );
    server = await startServer({ config, logger: pino({ level: 'silent' }), worker: true, listen: true });
    base = `http://127.0.0.1:${server.port}`;
    server.ctx.config.publicUrl = base;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports the project in the chosen format, shows the job until it is done, and its link downloads the file', async () => {
    const project = await api<{ id: string }>('POST', '/projects', { name: 'Tickets', labelSet: [{ id: 'per', label: 'PERSON' }] });
    const imported = await api<{ data: { id: string }[] }>('POST', `/projects/${project.id}/documents`, {
      documents: [{ key: 't1', text: 'Ada wrote.' }, { key: 't2', text: 'Nobody.' }],
    });
    await api('POST', `/documents/${imported.data[0]!.id}/labels`, { toUpsertList: [{ labelSetItemId: 'per', startCharIndex: 0, endCharIndex: 3 }], toDeleteList: [] });
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.goto(`${base}/#/projects/${project.id}`);
    const panel = page.getByRole('region', { name: 'Export' });
    await panel.waitFor();
    await panel.getByLabel('Format').selectOption('conll');
    await panel.getByRole('button', { name: 'Export' }).click();
    const item = panel.getByRole('list', { name: 'Recent exports' }).getByRole('listitem').first();
    await item.getByText('completed').waitFor({ timeout: 20_000 });
    await expect(item.textContent()).resolves.toMatch(/conll · all .*2 documents, 1 labels/);
    await page.screenshot({ path: join(ARTIFACTS, 'project-export.png'), fullPage: true });
    const link = await item.getByRole('link', { name: 'Download' }).getAttribute('href');
    // The link works without the API key: it is what a pipeline gets in EXPORT_COMPLETED.
    const file = await fetch(link!);
    expect(file.status).toBe(200);
    const text = await file.text();
    expect(text).toContain('Ada B-PERSON\nwrote O\n. O\n');
    const jobs = await api<{ data: { id: string; state: string; format: string }[] }>('GET', `/projects/${project.id}/exports`);
    expect(jobs.data.map((j) => [j.state, j.format])).toEqual([['completed', 'conll']]);
  });

  it('shows the server refusing an export', async () => {
    const project = await api<{ id: string }>('POST', '/projects', { name: 'Gone soon' });
    await page.goto(`${base}/#/projects/${project.id}`);
    const panel = page.getByRole('region', { name: 'Export' });
    await panel.waitFor();
    await api('DELETE', `/projects/${project.id}`);
    await panel.getByRole('button', { name: 'Export' }).click();
    await panel.getByText(/was not found/).waitFor();
  });
});
