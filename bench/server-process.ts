// A labelhook server under test, in its own process so its RSS is its own. Configured like `labelhook serve`
// (loadConfig over the environment the bench sets), driven over IPC by bench/server.ts.
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { startEngine, type Engine } from '../src/webhooks/engine.js';

const worker = !process.argv.includes('--no-worker');
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);

let peakRss = process.memoryUsage.rss();
// Sampled often enough to catch a short spike (a big import's JSON parse).
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20);
sampler.unref();

const server = await startServer({ config, logger, worker });
// Until src/server.ts starts the engine itself, the bench starts it the way it will (same context, same options).
const engine: Engine | null = 'engine' in server ? null : startEngine(server.ctx, { worker });
peakRss = Math.max(peakRss, process.memoryUsage.rss());

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await engine?.stop().catch(() => undefined);
  await server.stop().catch(() => undefined);
  clearInterval(sampler);
  process.exit(0);
}

process.on('message', (raw) => {
  const msg = raw as { id: number; cmd: string };
  const reply = (result: unknown): void => {
    process.send!({ id: msg.id, ok: true, result });
  };
  if (msg.cmd === 'memory') {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    reply({ rss: m.rss, peakRss, heapUsed: m.heapUsed });
  } else if (msg.cmd === 'resetPeak') {
    peakRss = process.memoryUsage.rss();
    reply(null);
  } else if (msg.cmd === 'stop') {
    reply(null);
    void stop();
  } else {
    process.send!({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
  }
});
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
process.send!({ id: 0, ok: true, result: { port: server.port, pid: process.pid, worker } });
