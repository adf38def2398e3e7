import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger: Logger;
  /** Stops the process's work gracefully (drain, close pools). */
  stop(): Promise<void>;
  /** Exits anyway this long after the first signal, should stop() hang (drain timeout plus closing time). */
  deadlineMs: number;
  /** process.exit, replaceable in tests. */
  exit?: (code: number) => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const SIGNAL_NUMBERS: Record<(typeof SIGNALS)[number], number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Installs SIGTERM/SIGINT handling: the first signal stops gracefully and exits 0 (1 if stopping failed or
 * overran `deadlineMs`); a second signal exits at once with 128 + its number, as shells report a kill.
 * Returns a function that removes the handlers.
 */
export function installShutdown(options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: (typeof SIGNALS)[number]): void => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now without draining');
      exit(128 + SIGNAL_NUMBERS[signal]);
      return;
    }
    stopping = true;
    options.logger.info({ signal, deadlineMs: options.deadlineMs }, 'shutting down: no new claims, draining in-flight deliveries');
    const deadline = setTimeout(() => {
      options.logger.error({ deadlineMs: options.deadlineMs }, 'shutdown overran its deadline; exiting');
      exit(1);
    }, options.deadlineMs);
    deadline.unref();
    options.stop().then(
      () => {
        clearTimeout(deadline);
        options.logger.info('stopped cleanly');
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(deadline);
        options.logger.error({ err }, 'error while shutting down');
        exit(1);
      },
    );
  };
  const handlers = SIGNALS.map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return () => {
    for (const [s, h] of handlers) process.off(s, h);
  };
}
