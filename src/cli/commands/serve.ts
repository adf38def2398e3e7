import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { installShutdown } from '../../process/shutdown.js';

// Time to close the HTTP server and pools after the drain, before a hung shutdown is cut short.
const CLOSE_GRACE_MS = 5000;

/** `labelhook serve [--port N] [--no-worker]`: the API, and by default the dispatcher and workers too. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the API server (and, unless --no-worker, the webhook dispatcher and delivery workers)')
    .option('-p, --port <port>', 'port to listen on (default: PORT or 8080)')
    .option('--no-worker', 'API only: leave delivery to `labelhook worker` processes')
    .action(async (opts: { port?: string; worker: boolean }) => {
      const config = loadConfig(process.env, opts.port !== undefined ? { port: parsePort(opts.port) } : {});
      const logger = createLogger(config.logLevel);
      // Loaded lazily so client commands (import, listen, ...) start without the server's dependencies.
      const { startServer } = await import('../../server.js');
      const server = await startServer({ config, logger, worker: opts.worker });
      if (server.bootstrap.generatedKey) {
        // Printed once, on the console rather than the log, so it is seen and not shipped to log storage.
        process.stderr.write(
          `\nlabelhook: created the default team and its instance admin.\n` +
            `  Admin API key (shown only now; store it safely): ${server.bootstrap.generatedKey}\n` +
            `  Try: curl -H "Authorization: Bearer ${server.bootstrap.generatedKey}" http://localhost:${server.port}/api/v1/projects\n` +
            `  Set LABELHOOK_ADMIN_KEY before the first start to choose the key yourself.\n\n`,
        );
      }
      logger.info({ port: server.port, database: server.ctx.store.dialect }, 'labelhook listening');
      // First signal: drain deliveries (bounded by LABELHOOK_DRAIN_TIMEOUT) and exit 0; a second one exits at once.
      installShutdown({ logger, stop: () => server.stop(), deadlineMs: config.drainTimeoutMs + CLOSE_GRACE_MS });
    });
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: "${text}" is not a TCP port.`);
  return n;
}
