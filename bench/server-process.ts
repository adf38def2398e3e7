// A labelhook process under test, in its own process so its RSS is its own: `serve` (API, and unless
// --no-worker the engine) or `worker` (the engine only), configured like the CLI (loadConfig over the environment
// the bench sets) and driven over IPC by bench/server.ts.
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer } from '../src/server.js';
import { startWorker } from '../src/worker.js';

const role = process.argv.includes('--role=worker') ? 'worker' : 'serve';
const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);

let peakRss = process.memoryUsage.rss();
// Sampled often enough to catch a short spike (a big import's JSON parse).
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);
sampler.unref();

const running =
  role === 'worker'
    ? { port: 0, stop: (await startWorker({ config, logger })).stop }
    : await startServer({ config, logger, worker: !process.argv.includes('--no-worker') });
peakRss = Math.max(peakRss, process.memoryUsage.rss());

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running.stop().catch(() => undefined);
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
    const cpu = process.cpuUsage();
    reply({ rss: m.rss, peakRss, heapUsed: m.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000 });
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
process.send!({ id: 0, ok: true, result: { port: running.port, pid: process.pid } });
