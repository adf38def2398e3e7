// Vitest setup file: runs in every test file before its imports (see vitest.config.ts).
import { afterAll, vi } from 'vitest';
import { assertNoEngineRunning, trackEngine } from './engine-guard.js';

// Every engine, whoever starts it (a test, startServer, useEngineApp), is recorded until stopped.
vi.mock('../../src/webhooks/engine.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/webhooks/engine.js')>();
  return { ...original, startEngine: (...args: Parameters<typeof original.startEngine>) => trackEngine(original.startEngine(...args)) };
});

afterAll(() => {
  assertNoEngineRunning();
});
