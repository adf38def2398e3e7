// The engine thread of `labelhook serve` (src/process/engine-thread.ts starts it): its own store connection,
// context, metrics and logger, running what `labelhook worker` runs, woken by the API thread's commits.
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context.js';
import { composeApp, type ComposedApp } from '../composition.js';
import { wakeExportRunner } from '../export/runner-wake.js';
import { createLogger } from '../logger.js';
import { openStore, type Store } from '../store/db.js';
import { startEngineHost, type EngineHost } from './engine-host.js';
import { wakeFlags } from './wake-flags.js';
import { toThreadError, type EngineThreadData, type FromEngine, type ToEngine } from './engine-thread-protocol.js';

/**
 * This module's URL, for `new Worker`. Imported (not only named) by engine-thread.ts so that every compilation of
 * the server emits this file too; imported anywhere else, the module does nothing.
 */
export const ENGINE_THREAD_ENTRY = import.meta.url;

type Post = (message: FromEngine) => void;

interface Running {
  store: Store;
  composed: ComposedApp;
  host: EngineHost;
}

/** Opens the store (the API thread migrated it), composes a context and starts the engine host on it. */
async function start(data: EngineThreadData, logger: Logger): Promise<Running> {
  const store = openStore(data.config.databaseUrl, data.threadWriteLock ? { threadWriteLock: data.threadWriteLock } : {});
  try {
    // No process metrics here: CPU and memory are the process's, counted once by the API thread.
    const composed = composeApp({ config: data.config, store, logger });
    try {
      const host = await startEngineHost(composed.ctx, { worker: true, role: data.role, databaseUrl: data.config.databaseUrl });
      return { store, composed, host };
    } catch (err) {
      await composed.close();
      throw err;
    }
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Relays this thread's commit signal to the API thread's event streams: events committed here (export completion)
 * or announced by another process. The API thread's own commits, relayed here, are not sent back: `fromApi` marks
 * one such notification (a local commit of this thread coalesced with it is then found by the streams' polling).
 */
function relay(ctx: AppContext, post: Post): { fromApi(): void } {
  let fromApi = false;
  ctx.commitSignal.on('eventsCommitted', (origin) => {
    if (origin === 'local' && fromApi) fromApi = false;
    else post({ t: 'signal', event: 'eventsCommitted', origin });
  });
  return {
    fromApi: () => {
      fromApi = true;
    },
  };
}

async function stop(running: Running, post: Post, logger: Logger): Promise<void> {
  let error: unknown = null;
  try {
    await running.host.stop();
    await running.composed.close();
    await running.store.close();
  } catch (err) {
    error = err;
  }
  logger.flush();
  post({ t: 'stopped', error: error === null ? null : toThreadError(error) });
  process.exit(0);
}

/** The thread's life: start, answer the API thread, stop when asked (then end the thread). */
async function run(port: MessagePort, data: EngineThreadData): Promise<void> {
  const post: Post = (message) => port.postMessage(message);
  const logger = createLogger(data.config.logLevel).child({ thread: 'engine' });
  let running: Running;
  try {
    running = await start(data, logger);
  } catch (err) {
    post({ t: 'startFailed', error: toThreadError(err) });
    logger.flush();
    process.exit(0);
  }
  const { ctx } = running.composed;
  const relayed = relay(ctx, post);
  const flags = wakeFlags(data.wakeFlags);
  port.on('message', (message: ToEngine) => {
    switch (message.t) {
      case 'signal':
        flags.lower(message.event);
        if (message.event === 'eventsCommitted') relayed.fromApi();
        ctx.commitSignal.emit(message.event, 'local');
        break;
      case 'exportQueued':
        wakeExportRunner(ctx);
        break;
      case 'metrics':
        // A failed read answers no figures rather than leaving the scrape waiting.
        void ctx.metrics.ownFigures().then(
          (metrics) => post({ t: 'metrics', id: message.id, metrics }),
          () => post({ t: 'metrics', id: message.id, metrics: [] }),
        );
        break;
      case 'stop':
        void stop(running, post, logger);
        break;
    }
  });
  logger.info({ database: ctx.store.dialect }, 'engine thread running');
  post({ t: 'ready' });
}

const data = workerData as Partial<EngineThreadData> | null;
if (!isMainThread && parentPort && data?.engineThread === true) void run(parentPort, data as EngineThreadData);
