import { useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { useSession } from '../api/context.ts';
import type { DeliveryStats } from '../api/types.ts';
import { formatMs } from '../format.ts';
import { useAsync, useInterval } from '../hooks/use-async.ts';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Loading } from './Loading.tsx';
import { UPlotChart } from './UPlotChart.tsx';

type Window = 'hour' | 'day';

function summary(stats: DeliveryStats): { succeeded: number; failed: number; retrying: number } {
  return stats.buckets.reduce(
    (acc, b) => ({ succeeded: acc.succeeded + b.succeeded, failed: acc.failed + b.failed, retrying: acc.retrying + b.retrying }),
    { succeeded: 0, failed: 0, retrying: 0 },
  );
}

/** Attempts per bucket by outcome and attempt latency p50/p99, for one webhook or the whole team. */
export function DeliveryCharts({ webhookId }: { webhookId?: string }) {
  const { api } = useSession();
  const [win, setWin] = useState<Window>('hour');
  const stats = useAsync(() => api.deliveryStats({ window: win, webhookId }), [api, win, webhookId]);
  useInterval(() => {
    if (!stats.loading) stats.reload();
  }, 15_000);

  const charts = useMemo(() => {
    const s = stats.data;
    if (!s) return null;
    const xs = s.buckets.map((b) => b.t / 1000);
    const per = s.bucketMs >= 60_000 * 15 ? 'per 15 minutes' : 'per minute';
    // Stacked bars drawn tallest first: each series is the running total up to its outcome, so the later
    // (shorter) bars paint over the earlier ones and the colours read as a stack. Legends show raw counts.
    const ok = s.buckets.map((b) => b.succeeded);
    const bad = s.buckets.map((b) => b.failed);
    const retry = s.buckets.map((b) => b.retrying);
    const counts: uPlot.AlignedData = [xs, s.buckets.map((b) => b.succeeded + b.failed + b.retrying), s.buckets.map((b) => b.succeeded + b.failed), ok];
    const bars = uPlot.paths.bars!({ size: [0.8, 40] });
    const raw = (list: number[]) => (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx === null ? '--' : String(list[idx] ?? 0));
    const latency: uPlot.AlignedData = [xs, s.buckets.map((b) => b.p50Ms), s.buckets.map((b) => b.p99Ms)];
    const countOpts: Omit<uPlot.Options, 'width'> = {
      title: `Attempts ${per}`,
      height: 200,
      series: [
        {},
        { label: 'retrying', stroke: '#bf8700', fill: '#d4a72c', width: 1, paths: bars, points: { show: false }, value: raw(retry) },
        { label: 'failed', stroke: '#cf222e', fill: '#ff8182', width: 1, paths: bars, points: { show: false }, value: raw(bad) },
        { label: 'succeeded', stroke: '#1a7f37', fill: '#4ac26b', width: 1, paths: bars, points: { show: false }, value: raw(ok) },
      ],
      axes: [{}, { label: 'attempts', size: 50 }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    };
    const latencyOpts: Omit<uPlot.Options, 'width'> = {
      title: 'Attempt latency',
      height: 200,
      series: [
        {},
        // Points as well as lines: a bucket with attempts between empty ones would otherwise draw nothing.
        { label: 'p50', stroke: '#0969da', width: 2, points: { show: true, size: 5 }, value: (_u, v) => formatMs(v) },
        { label: 'p99', stroke: '#8250df', width: 2, points: { show: true, size: 5 }, value: (_u, v) => formatMs(v) },
      ],
      axes: [{}, { label: 'ms', size: 60 }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(10, max ?? 10)] } },
    };
    return { counts, latency, countOpts, latencyOpts };
  }, [stats.data]);

  const totals = stats.data ? summary(stats.data) : null;
  return (
    <section class="panel charts" aria-labelledby={`charts-${webhookId ?? 'team'}`}>
      <div class="title-row">
        <h2 id={`charts-${webhookId ?? 'team'}`}>Delivery health</h2>
        <div role="group" aria-label="Time window" class="segmented">
          {(['hour', 'day'] as const).map((w) => (
            <button key={w} type="button" aria-pressed={win === w} class={win === w ? '' : 'secondary'} onClick={() => setWin(w)}>
              Last {w}
            </button>
          ))}
        </div>
      </div>
      {stats.error ? <ErrorMessage error={stats.error} onRetry={stats.reload} /> : null}
      {stats.loading && !stats.data ? <Loading label="Loading charts" /> : null}
      {totals ? (
        <p class="dim" data-testid="chart-summary">
          Last {win}: {totals.succeeded} succeeded, {totals.failed} failed, {totals.retrying} retrying.
          {totals.succeeded + totals.failed + totals.retrying === 0 ? ' No attempts in this window yet.' : ''}
        </p>
      ) : null}
      {charts ? (
        <div class="chart-grid">
          <UPlotChart options={charts.countOpts} data={charts.counts} label={`Attempts by outcome over the last ${win}`} />
          <UPlotChart options={charts.latencyOpts} data={charts.latency} label={`Attempt latency p50 and p99 over the last ${win}`} />
        </div>
      ) : null}
    </section>
  );
}
