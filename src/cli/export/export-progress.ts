import cliProgress from 'cli-progress';
import type { Colors } from '../colors.js';
import { formatBytes } from '../import/progress.js';

/** What the export reports as it streams. */
export interface ExportProgress {
  documents: number;
  /** The project's document count: the most the export can hold. */
  totalDocuments: number;
  bytes: number;
  elapsedMs: number;
}

/** Shows export progress: a live bar on a terminal, a plain line per 1,000 documents otherwise (logs, CI, pipes). */
export interface ExportProgressReporter {
  update(p: ExportProgress): void;
  stop(): void;
}

const rate = (p: ExportProgress): number => Math.round(p.documents / (Math.max(p.elapsedMs, 1) / 1000));

/** A reporter writing to `stream`: the bar when it is a TTY, plain lines otherwise. */
export function createExportProgress(stream: NodeJS.WriteStream, colors: Colors): ExportProgressReporter {
  if (!stream.isTTY) {
    let reported = 0;
    return {
      update(p) {
        if (p.documents < reported + 1000) return;
        reported = p.documents - (p.documents % 1000);
        stream.write(`exported ${p.documents} of at most ${p.totalDocuments} documents, ${formatBytes(p.bytes)}, ${rate(p)} docs/s\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: `${colors.cyan('{bar}')} {value} of {total} documents | {size} | {rate} docs/s`, hideCursor: true, clearOnComplete: false, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { size: formatBytes(p.bytes), rate: rate(p) };
      if (!started) {
        bar.start(Math.max(p.totalDocuments, 1), p.documents, payload);
        started = true;
      } else bar.update(Math.min(p.documents, Math.max(p.totalDocuments, 1)), payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
