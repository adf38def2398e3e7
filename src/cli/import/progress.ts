import cliProgress from 'cli-progress';
import type { Colors } from '../colors.js';

/** What the import reports after each chunk. */
export interface ImportProgress {
  chunk: number;
  documents: number;
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
}

/** Shows import progress: a live bar on a terminal, a plain line per chunk otherwise (logs, CI, pipes). */
export interface ProgressReporter {
  update(p: ImportProgress): void;
  stop(): void;
}

/** `1.5 MB`-style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** `1m 05s`-style durations. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function rates(p: ImportProgress): { docsPerSec: number; eta: string } {
  const seconds = Math.max(p.elapsedMs, 1) / 1000;
  const bytesPerSec = p.bytes / seconds;
  const eta = p.totalBytes > p.bytes && bytesPerSec > 0 ? formatDuration(((p.totalBytes - p.bytes) / bytesPerSec) * 1000) : '0s';
  return { docsPerSec: Math.round(p.documents / seconds), eta };
}

/** A reporter writing to `stream`: the bar when it is a TTY, plain lines otherwise. */
export function createProgressReporter(stream: NodeJS.WriteStream, colors: Colors): ProgressReporter {
  if (!stream.isTTY) {
    return {
      update(p) {
        const { docsPerSec, eta } = rates(p);
        const pct = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
        stream.write(
          `chunk ${p.chunk}: ${p.documents} documents sent, ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)} (${pct}%), ${docsPerSec} docs/s, ETA ${eta}\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${colors.cyan('{bar}')} {percentage}% | {done} of {size} | {documents} docs | {rate} docs/s | ETA {etaText}`,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const { docsPerSec, eta } = rates(p);
      const payload = { done: formatBytes(p.bytes), size: formatBytes(p.totalBytes), documents: p.documents, rate: docsPerSec, etaText: eta };
      if (!started) {
        bar.start(Math.max(p.totalBytes, 1), p.bytes, payload);
        started = true;
      } else bar.update(p.bytes, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
