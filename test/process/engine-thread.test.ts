import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config.js';
import { createCommitSignal, type CommitOrigin } from '../../src/events/commit-signal.js';
import { wakeExportRunner } from '../../src/export/runner-wake.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { startEngineThread, type EngineThread } from '../../src/process/engine-thread.js';
import type { Store } from '../../src/store/db.js';
import { waitUntil } from '../helpers/wait.js';

// The API thread's side of the engine thread (src/process/engine-thread.ts), against a stand-in engine that speaks
// the protocol without a database; the real thread is tested through `labelhook serve` (test/cli/serve-engine-thread.test.ts).
const FIXTURE = new URL('./fixtures/echo-engine.mjs', import.meta.url);

function fakeContext(): AppContext {
  const store = { threadWriteLock: null, db: {} } as unknown as Store;
  return {
    config: loadConfig({ LABELHOOK_DRAIN_TIMEOUT: '1s' }),
    store,
    commitSignal: createCommitSignal(),
    metrics: createMetrics({ store, clock: () => 0 }),
  } as unknown as AppContext;
}

const started: EngineThread[] = [];
afterEach(async () => {
  delete process.env.FIXTURE_ENGINE_MODE;
  await Promise.all(started.splice(0).map((e) => e.stop().catch(() => undefined)));
});

async function start(ctx: AppContext, mode: string, onCrash: (err: Error) => void = () => undefined): Promise<EngineThread> {
  process.env.FIXTURE_ENGINE_MODE = mode;
  const engine = await startEngineThread(ctx, { role: 'serve', onCrash, entry: FIXTURE });
  started.push(engine);
  return engine;
}

describe('the engine thread, seen from the API thread', () => {
  it('wakes the thread on local commits and hears its relayed commits as a peer’s, without echoing them back', async () => {
    const ctx = fakeContext();
    await start(ctx, 'echo');
    const heard: [string, CommitOrigin][] = [];
    ctx.commitSignal.on('eventsCommitted', (origin) => heard.push(['eventsCommitted', origin]));
    ctx.commitSignal.on('deliveriesDue', (origin) => heard.push(['deliveriesDue', origin]));
    ctx.commitSignal.emit('eventsCommitted');
    ctx.commitSignal.emit('deliveriesDue');
    await waitUntil(() => `relayed commits, heard ${JSON.stringify(heard)}`, () => heard.length >= 4);
    // Give an echo loop time to show itself: a peer notification must not be sent to the thread again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.sort()).toEqual([
      ['deliveriesDue', 'local'],
      ['deliveriesDue', 'peer'],
      ['eventsCommitted', 'local'],
      ['eventsCommitted', 'peer'],
    ]);
  });

  it('passes a queued export on to the thread', async () => {
    const ctx = fakeContext();
    await start(ctx, 'echo');
    const heard: CommitOrigin[] = [];
    ctx.commitSignal.on('eventsCommitted', (origin) => heard.push(origin));
    wakeExportRunner(ctx);
    await waitUntil(() => 'the stand-in engine to answer the export wake-up', () => heard.includes('peer'));
  });

  it('adds the thread’s figures to /metrics', async () => {
    const ctx = fakeContext();
    await start(ctx, 'echo');
    const { body } = await ctx.metrics.render();
    expect(body).toContain('labelhook_deliveries_total{outcome="succeeded",format="json"} 7');
  });

  it('fails to start with the thread’s start-up error, its message and code kept', async () => {
    process.env.FIXTURE_ENGINE_MODE = 'fail-start';
    const failed = startEngineThread(fakeContext(), { role: 'serve', onCrash: () => undefined, entry: FIXTURE });
    await expect(failed).rejects.toMatchObject({ message: 'Another process already delivers webhooks', code: 'worker_lock_held' });
  });

  it('reports a crash of the running thread once, with its error', async () => {
    const crashes: Error[] = [];
    await start(fakeContext(), 'crash', (err) => crashes.push(err));
    await waitUntil(() => 'the crash to be reported', () => crashes.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.message).toBe('engine blew up');
  });

  it('stop() asks the thread to stop and resolves once it has ended; a stopped thread is no crash', async () => {
    const crashes: Error[] = [];
    const engine = await start(fakeContext(), 'echo', (err) => crashes.push(err));
    await engine.stop();
    expect(crashes).toEqual([]);
  });
});
