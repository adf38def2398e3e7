import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { httpApi } from '../../../test/helpers/api-client.js';

// A real labelhook (API, dispatcher and workers) on a temporary SQLite file and Debian's Chromium, for the
// console's end-to-end tests.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The running server and browser of one test file. */
export interface Harness {
  base: string;
  adminKey: string;
  browser: Browser;
  /** Calls the API as `key` (the admin by default); throws on any non-2xx answer. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, key?: string): Promise<T>;
  close(): Promise<void>;
}

/** Starts labelhook on loopback and Chromium; the console is built first when missing. */
export async function startHarness(adminKey: string): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!existsSync(join(ROOT, 'console', 'dist', 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'console', 'vite.config.ts'), logLevel: 'error' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'labelhook-workspace-'));
  const config = loadConfig(
    {
      LABELHOOK_DATABASE_URL: `sqlite:${join(dir, 'labelhook.db')}`,
      LABELHOOK_LOG_LEVEL: 'silent',
      LABELHOOK_ADMIN_KEY: adminKey,
      LABELHOOK_RETRY_SCHEDULE: '50ms,50ms',
      LABELHOOK_POLL_INTERVAL: '50ms',
    },
    { port: 0, host: '127.0.0.1', allowPrivateTargets: ['127.0.0.0/8'] },
  );
  const server: RunningServer = await startServer({ config, logger: pino({ level: 'silent' }), worker: true, listen: true });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  return {
    base,
    adminKey,
    browser,
    api: <T>(method: string, path: string, body?: unknown, key = adminKey): Promise<T> => httpApi(base, key).ok<T>(method, path, body),
    async close() {
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the console's sign-in page with an API key. */
export async function signIn(page: Page, base: string, key: string): Promise<void> {
  // A step that cannot happen fails with its locator well before the test's own timeout.
  page.setDefaultTimeout(10_000);
  await page.goto(`${base}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Saves a screenshot of what the page shows now under test-artifacts/console. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Drags the mouse over document characters `start`..`end` in the text view, as a person selecting them would. */
export async function dragSelect(page: Page, start: number, end: number): Promise<void> {
  // Runs in the page (a string: this file is type-checked without the DOM library).
  const box = (await page.evaluate(`(() => {
    const root = document.querySelector('.text-view');
    const at = (off) => {
      const block = [...root.querySelectorAll('[data-start]')].find((b) => off >= Number(b.dataset.start) && off < Number(b.dataset.end));
      block.scrollIntoView({ block: 'center' });
      let left = off - Number(block.dataset.start);
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (left < t.textContent.length) return { node: t, offset: left };
        left -= t.textContent.length;
      }
      throw new Error('offset ' + off + ' is not rendered');
    };
    const rect = (off) => {
      const p = at(off);
      const r = document.createRange();
      r.setStart(p.node, p.offset);
      r.setEnd(p.node, p.offset + 1);
      return r.getBoundingClientRect();
    };
    const z = rect(${end - 1});
    const a = rect(${start});
    return { x1: a.left + 1, y1: a.top + a.height / 2, x2: z.right - 1, y2: z.top + z.height / 2 };
  })()`)) as { x1: number; y1: number; x2: number; y2: number };
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 8 });
  await page.mouse.up();
}
