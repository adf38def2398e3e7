import type { AppContext } from '../app-context.js';

// The export runner of a process registers here, so code that queues a job wakes it without importing the runner.
const wakers = new WeakMap<AppContext, () => void>();

/** Registers the runner of `ctx`; answers how to unregister it. */
export function onExportQueued(ctx: AppContext, wake: () => void): () => void {
  wakers.set(ctx, wake);
  return () => wakers.delete(ctx);
}

/** Wakes the export runner of this process, if it has one (others find the job on their next poll). */
export function wakeExportRunner(ctx: AppContext): void {
  wakers.get(ctx)?.();
}
