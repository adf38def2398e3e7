import { describeCpu } from '../cpu.js';
import { sqliteDatabase } from '../database.js';
import { drain, type DrainResult } from '../drain.js';
import { scaled } from '../options.js';
import type { Figure } from '../report.js';
import type { Scenario } from '../scenario.js';

const MB = 1024 * 1024;

function timedOutNote(r: DrainResult): string | undefined {
  return r.timedOut ? `timed out: ${r.delivered}/${r.expected} delivered` : undefined;
}

// The drains stop waiting after these (a partial drain still gives a rate, with a note), so a slow engine cannot
// hold the whole run hostage.
/**
 * Scenario 6: a backlog of 200,000 committed events (and 20,000 for comparison) waits while no worker runs; then
 * the server starts with its worker and the receiver up. Drain rate and the server process's peak RSS.
 */
export const backlogScenario: Scenario = {
  name: 'backlog',
  async run(ctx): Promise<Figure[]> {
    const small = scaled(ctx.options, 20_000, 100);
    const large = scaled(ctx.options, 200_000, 1_000);
    ctx.log(`backlog: ${small} then ${large} pending events to one webhook`);
    const a = await drain(ctx, { db: sqliteDatabase(ctx.tmpDir, 'backlog-small'), webhookGroups: ['backlog'], events: small, timeoutMs: 300_000 });
    ctx.log(`  ${small}: ${Math.round(a.perSecond)}/s, ${describeCpu(a.cpu)} per delivery, peak RSS ${Math.round(a.peakRssBytes / MB)} MB`);
    const b = await drain(ctx, { db: sqliteDatabase(ctx.tmpDir, 'backlog-large'), webhookGroups: ['backlog'], events: large, timeoutMs: 480_000 });
    ctx.log(`  ${large}: ${Math.round(b.perSecond)}/s, ${describeCpu(b.cpu)} per delivery, peak RSS ${Math.round(b.peakRssBytes / MB)} MB`);
    return [
      { scenario: 'backlog', figure: `drain rate, ${small} pending`, value: a.perSecond, unit: 'deliveries/s', relativeToLimit: true, note: timedOutNote(a) },
      { scenario: 'backlog', figure: `drain rate, ${large} pending`, value: b.perSecond, unit: 'deliveries/s', relativeToLimit: true, note: timedOutNote(b) },
      { scenario: 'backlog', figure: `server CPU per delivery, ${small} pending`, value: a.cpu.serverUs, unit: 'µs' },
      { scenario: 'backlog', figure: `server CPU per delivery, ${large} pending`, value: b.cpu.serverUs, unit: 'µs' },
      {
        scenario: 'backlog',
        figure: `drain rate at ${large} ÷ at ${small}`,
        value: b.perSecond / a.perSecond,
        unit: 'ratio',
        goal: { on: 'value', op: '>=', target: 0.8 },
      },
      { scenario: 'backlog', figure: `peak RSS, ${small} pending`, value: a.peakRssBytes / MB, unit: 'MB', goal: { on: 'value', op: '<=', target: 300 } },
      { scenario: 'backlog', figure: `peak RSS, ${large} pending`, value: b.peakRssBytes / MB, unit: 'MB', goal: { on: 'value', op: '<=', target: 300 } },
      {
        scenario: 'backlog',
        figure: `peak RSS at ${large} ÷ at ${small}`,
        value: b.peakRssBytes / a.peakRssBytes,
        unit: 'ratio',
        goal: { on: 'value', op: '<=', target: 1.2 },
      },
    ];
  },
};
