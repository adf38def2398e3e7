import { afterAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../src/webhooks/engine.js';
import { createTestApp, type TestApp } from './app.js';
import { assertNoEngineRunning } from './engine-guard.js';
import { FAST } from '../webhooks/receiver.js';

describe('the engine guard of the test setup', () => {
  let t: TestApp | undefined;
  afterAll(async () => t?.close());

  it('reports an engine started through startEngine until it is stopped, naming where it was started', async () => {
    t = await createTestApp('sqlite', FAST);
    const engine = startEngine(t.ctx);
    expect(() => assertNoEngineRunning()).toThrow(/1 webhook engine\(s\) still running[\s\S]*engine-guard\.test\.ts/);
    await engine.stop();
    // A stopped engine is not reported (the report above cleared the record, so this one is new).
    const again = startEngine(t.ctx);
    await again.stop();
    expect(() => assertNoEngineRunning()).not.toThrow();
  });
});
