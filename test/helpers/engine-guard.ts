import type { Engine } from '../../src/webhooks/engine.js';

/** An engine a test started and has not stopped yet, with where it was started. */
interface RunningEngine {
  startedAt: string;
}

const running = new Map<Engine, RunningEngine>();

/**
 * Records `engine` as running until its `stop()` is called, and answers it. The vitest setup file wraps every
 * `startEngine` with this (the engine of `startServer` included), so no test needs to call it itself.
 */
export function trackEngine(engine: Engine): Engine {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const startedAt = frames.find((line) => line.includes('/test/') && !/helpers\/(setup|engine-guard)\.ts/.test(line))?.trim() ?? 'by unknown test code';
  running.set(engine, { startedAt });
  const stop = engine.stop.bind(engine);
  return {
    stop: () => {
      running.delete(engine);
      return stop();
    },
  };
}

/** Throws when an engine a test started is still running (its dispatcher and workers would leak into the next file). */
export function assertNoEngineRunning(): void {
  if (running.size === 0) return;
  const where = [...running.values()].map((e) => `  started ${e.startedAt}`).join('\n');
  running.clear();
  throw new Error(`${where.split('\n').length} webhook engine(s) still running at the end of the file; stop them in afterAll/afterEach:\n${where}`);
}
