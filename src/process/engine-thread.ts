import { Worker } from 'node:worker_threads';
import type { AppContext } from '../app-context.js';
import { onExportQueued } from '../export/runner-wake.js';
import type { MetricsJson } from '../metrics/metrics.js';
import { ENGINE_THREAD_ENTRY } from './engine-thread-entry.js';
import { wakeFlags } from './wake-flags.js';
import { fromThreadError, type EngineThreadData, type FromEngine, type ToEngine } from './engine-thread-protocol.js';

// A scrape waits this long for the engine's figures, then shows the API thread's alone.
const METRICS_WAIT_MS = 2_000;
// After a stop was asked, how long past the drain the thread may take to close its pools before it is terminated.
const CLOSE_GRACE_MS = 5_000;

export interface EngineThreadOptions {
  /** What this process is, for the SQLite lock's refusal message. */
  role: string;
  /** Called once when the thread dies without being asked to stop (an uncaught error, an exit of its own). */
  onCrash(err: Error): void;
  /** Another entry module (tests play a misbehaving engine with one). */
  entry?: URL;
}

/** The engine running in its own thread, seen from the API thread. */
export interface EngineThread {
  /** Drains the engine's in-flight deliveries (up to config.drainTimeoutMs) and ends the thread. */
  stop(): Promise<void>;
}

/** Whether the thread's compiled entry exists: from TypeScript sources (tests, tsx) a Worker cannot load it. */
export function engineThreadAvailable(): boolean {
  return ENGINE_THREAD_ENTRY.endsWith('.js');
}

/**
 * Starts the dispatcher, delivery worker, retention and export runner in a worker thread with its own store
 * connection, like `labelhook worker` in the same process; resolves once the thread runs (it took the SQLite lock,
 * linked LISTEN/NOTIFY), rejects with the thread's start-up error. The API thread's commits (`eventsCommitted`,
 * `deliveriesDue`) and queued exports wake the thread at once; the thread's commits and other processes'
 * announcements wake the API's event streams; /metrics adds the thread's figures.
 */
export async function startEngineThread(ctx: AppContext, options: EngineThreadOptions): Promise<EngineThread> {
  const flags = wakeFlags();
  const data: EngineThreadData = { engineThread: true, config: ctx.config, role: options.role, threadWriteLock: ctx.store.threadWriteLock, wakeFlags: flags.buffer };
  const worker = new Worker(options.entry ?? new URL(ENGINE_THREAD_ENTRY), { workerData: data });
  const send = (message: ToEngine): void => worker.postMessage(message);
  const metricsWaiting = new Map<number, (figures: MetricsJson | null) => void>();
  let nextMetricsId = 1;
  let state: 'starting' | 'running' | 'stopping' | 'ended' = 'starting';
  let stopError: Error | null = null;

  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const started = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: FromEngine) => {
      if (message.t === 'ready') {
        state = 'running';
        resolve();
      } else if (message.t === 'startFailed') {
        state = 'ended';
        reject(fromThreadError(message.error));
      } else if (message.t === 'signal') {
        // 'peer': not this thread's commit, so nothing here announces it again.
        ctx.commitSignal.emit(message.event, 'peer');
      } else if (message.t === 'metrics') {
        metricsWaiting.get(message.id)?.(message.metrics);
      } else if (message.t === 'stopped') {
        stopError = message.error ? fromThreadError(message.error) : null;
      }
    });
    const died = (err: Error): void => {
      for (const answer of metricsWaiting.values()) answer(null);
      if (state === 'starting') reject(err);
      else if (state === 'running') options.onCrash(err);
      state = 'ended';
    };
    worker.on('error', (err) => died(err instanceof Error ? err : new Error(String(err))));
    worker.on('exit', (code) => {
      if (state !== 'ended' && state !== 'stopping') died(new Error(`the engine thread exited with code ${code}`));
      state = 'ended';
    });
  });
  await started;

  const unlink = [
    // At the emit itself (a tap), not a loop turn later: the flags coalesce what the engine has not read yet.
    ctx.commitSignal.tap((event, origin) => origin === 'local' && flags.raise(event) && send({ t: 'signal', event })),
    onExportQueued(ctx, () => send({ t: 'exportQueued' })),
  ];
  ctx.metrics.addPeer(() => {
    if (state !== 'running') return Promise.resolve(null);
    const id = nextMetricsId++;
    return new Promise<MetricsJson | null>((resolve) => {
      const timer = setTimeout(() => answer(null), METRICS_WAIT_MS);
      const answer = (figures: MetricsJson | null): void => {
        clearTimeout(timer);
        metricsWaiting.delete(id);
        resolve(figures);
      };
      metricsWaiting.set(id, answer);
      send({ t: 'metrics', id });
    });
  });

  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        for (const off of unlink) off();
        if (state === 'running') {
          state = 'stopping';
          send({ t: 'stop' });
          const cut = setTimeout(() => void worker.terminate(), ctx.config.drainTimeoutMs + CLOSE_GRACE_MS);
          await exited;
          clearTimeout(cut);
        }
        if (stopError) throw stopError;
      })();
      return stopped;
    },
  };
}
