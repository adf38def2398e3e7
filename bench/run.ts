// `npm run bench`: runs the scenarios in order, prints one table and writes bench/results.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from './build.js';
import { parseOptions } from './options.js';
import { startReceiver } from './receiver.js';
import { describeMachine, evaluate, renderTable, writeResults, type Figure } from './report.js';
import type { Scenario } from './scenario.js';
import { useServerEntry } from './server.js';
import { backlogScenario } from './scenarios/backlog.js';
import { deliveryScenario } from './scenarios/delivery.js';
import { endToEndScenario } from './scenarios/end-to-end.js';
import { exportScenario } from './scenarios/export.js';
import { fanOutScenario } from './scenarios/fan-out.js';
import { ingestScenario } from './scenarios/ingest.js';
import { isolationScenario } from './scenarios/isolation.js';
import { latencyScenario } from './scenarios/latency.js';
import { limitScenario } from './scenarios/limit.js';
import { stallScenario } from './scenarios/stall.js';
import { partsScenario } from './scenarios/parts.js';
import { pgWorkersScenario } from './scenarios/pg-workers.js';

// In the order; the limit first, since every throughput is a ratio to it.
const SCENARIOS: Scenario[] = [
  limitScenario,
  deliveryScenario,
  endToEndScenario,
  latencyScenario,
  isolationScenario,
  backlogScenario,
  fanOutScenario,
  ingestScenario,
  stallScenario,
  exportScenario,
  partsScenario,
  pgWorkersScenario,
];

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env, fileURLToPath(new URL('./results.json', import.meta.url)));
  const unknown = (options.only ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`Unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}.`);
  // The limit always runs: every throughput is reported as a ratio to it.
  const selected = SCENARIOS.filter((s) => s.name === 'limit' || options.only === null || options.only.includes(s.name));
  const startedAt = new Date().toISOString();
  const log = (message: string): void => {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
  };
  log(`scale ${options.scale}, repeats ${options.repeats}, scenarios: ${selected.map((s) => s.name).join(', ')}`);
  const build = buildServer(log);
  useServerEntry(build.entry);
  const receiver = await startReceiver();
  const figures: Figure[] = [];
  try {
    for (const scenario of selected) {
      const tmpDir = mkdtempSync(join(tmpdir(), `labelhook-bench-${scenario.name}-`));
      const t0 = performance.now();
      try {
        await receiver.reset();
        figures.push(...(await scenario.run({ options, receiver, tmpDir, log })));
      } catch (err) {
        log(`${scenario.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        figures.push({ scenario: scenario.name, figure: 'run', value: null, unit: '', note: `failed: ${err instanceof Error ? err.message : String(err)}` });
      } finally {
        rmSync(tmpDir, { recursive: true, force: true });
      }
      log(`${scenario.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await receiver.close();
    build.remove();
  }
  const limit = figures.find((f) => f.scenario === 'limit' && f.figure.includes('(the limit)'))?.value ?? null;
  const rows = evaluate(figures, limit);
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  writeResults(options.outFile, {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    options: { scale: options.scale, only: options.only, repeats: options.repeats, postgres: options.postgresUrl !== null, serverRunsThroughTsx: build.tsx },
    limit,
    rows,
  });
  log(`wrote ${options.outFile}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
