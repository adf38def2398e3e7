import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { CliUsageError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { installShutdown } from '../../process/shutdown.js';

// Time to close pools and listeners after the drain, before a hung shutdown is cut short.
const CLOSE_GRACE_MS = 5000;

/** `labelhook worker [--metrics-port N]`: the dispatcher and delivery workers without the API. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the webhook dispatcher and delivery workers only (no API); on PostgreSQL run as many as you like')
    .option('--metrics-port <port>', 'serve /healthz, /readyz and /metrics on this port (default: no HTTP listener)')
    .action(async (opts: { metricsPort?: string }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      // Loaded lazily so client commands (import, listen, ...) start without the server's dependencies.
      const { startWorker } = await import('../../worker.js');
      const worker = await startWorker({ config, logger, ...(opts.metricsPort !== undefined ? { healthPort: parsePort(opts.metricsPort) } : {}) });
      logger.info({ database: worker.ctx.store.dialect, metricsPort: worker.healthPort }, 'labelhook worker running');
      installShutdown({ logger, stop: () => worker.stop(), deadlineMs: config.drainTimeoutMs + CLOSE_GRACE_MS });
    });
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliUsageError(`--metrics-port: "${text}" is not a TCP port.`);
  return n;
}
