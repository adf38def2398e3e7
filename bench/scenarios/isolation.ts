import { describeCpu } from '../cpu.js';
import { sqliteDatabase } from '../database.js';
import { drain } from '../drain.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';

/** Every receiver that hangs is given up on after this; short, so the run shows isolation rather than patience. */
const REQUEST_TIMEOUT = '2s';

/**
 * Scenario 5: 10 webhooks of which 2 never answer. Throughput of the healthy 8 is compared with the same run
 * without the 2 hanging ones (8 webhooks only).
 */
export const isolationScenario: Scenario = {
  name: 'isolation',
  async run(ctx): Promise<Figure[]> {
    const events = scaled(ctx.options, 2_500, 50);
    const healthy = Array.from({ length: 8 }, () => 'healthy');
    const env = { LABELHOOK_REQUEST_TIMEOUT: REQUEST_TIMEOUT };
    ctx.log(`isolation: ${events} events × 8 healthy webhooks, without and with 2 hanging ones (timeout ${REQUEST_TIMEOUT})`);
    const base = await drain(ctx, { db: sqliteDatabase(ctx.tmpDir, 'isolation-base'), webhookGroups: healthy, events, timeoutMs: 300_000 });
    ctx.log(`  8 healthy only: ${Math.round(base.perSecond)}/s, ${describeCpu(base.cpu)} per delivery`);
    const mixed = await drain(ctx, {
      db: sqliteDatabase(ctx.tmpDir, 'isolation-hang'),
      webhookGroups: [...healthy, 'hang', 'hang'],
      measure: ['healthy'],
      events,
      env,
      timeoutMs: 300_000,
    });
    ctx.log(`  8 healthy + 2 hanging: ${Math.round(mixed.perSecond)}/s, ${describeCpu(mixed.cpu)} per healthy delivery`);
    const timedOut = [base, mixed].filter((r) => r.timedOut).map((r) => `${r.delivered}/${r.expected}`);
    const note = timedOut.length > 0 ? `timed out: ${timedOut.join(', ')}` : undefined;
    return [
      { scenario: 'isolation', figure: `healthy deliveries/s, 8 webhooks × ${events} events`, value: base.perSecond, unit: 'deliveries/s', relativeToLimit: true },
      { scenario: 'isolation', figure: 'healthy deliveries/s, 8 webhooks + 2 hanging', value: mixed.perSecond, unit: 'deliveries/s', relativeToLimit: true },
      { scenario: 'isolation', figure: 'server CPU per delivery, 8 healthy webhooks only', value: base.cpu.serverUs, unit: 'µs' },
      // The hanging webhooks' timeouts, retries and result writes are in it: counted per healthy delivery.
      { scenario: 'isolation', figure: 'server CPU per healthy delivery, 8 webhooks + 2 hanging', value: mixed.cpu.serverUs, unit: 'µs' },
      {
        scenario: 'isolation',
        figure: 'healthy throughput with hanging ones ÷ without',
        value: mixed.perSecond / base.perSecond,
        unit: 'ratio',
        goal: { on: 'value', op: '>=', target: 0.9 },
        note,
      },
    ];
  },
};
