import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../src/webhooks/engine.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { FAST } from '../webhooks/receiver.js';
import { waitUntil } from '../helpers/wait.js';
import { call } from './labeled-project.js';

describe.each(BACKENDS)('export runner on shutdown (%s)', (backend) => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-exports-stop-'));
    t = await createTestApp(backend, { ...FAST, exportDir: dir });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stopping the engine aborts a running export and queues it again untried; the next runner makes it', { timeout: 120_000 }, async () => {
    const project = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Long' }, 201);
    const documents = Array.from({ length: 20_000 }, (_, i) => ({ text: `document ${i} with a few words of text in it` }));
    await call(t.app, t.adminKey, 'POST', `/projects/${project.id}/documents`, { documents }, 201);
    const engine = startEngine(t.ctx);
    const job = await call(t.app, t.adminKey, 'POST', `/projects/${project.id}/exports`, { format: 'label-studio' }, 202);
    const state = async () => (await call(t.app, t.adminKey, 'GET', `/exports/${job.id}`, undefined, 200)) as { state: string; attempts: number };
    await waitUntil('the export to start running', async () => (await state()).state === 'running', { intervalMs: 2 });
    await engine.stop();
    expect(await state()).toMatchObject({ state: 'queued', attempts: 0 });
    expect(readdirSync(dir)).toEqual([]); // the half-written temporary file is gone
    const again = startEngine(t.ctx);
    try {
      const s = await waitUntil(
        'the queued export to complete on the next runner',
        async () => {
          const s = await state();
          return s.state === 'completed' && s;
        },
        { timeoutMs: 100_000, intervalMs: 20 },
      );
      expect(s.attempts).toBe(1);
    } finally {
      await again.stop();
    }
  });
});
