import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** A goal a figure is checked against: on the figure itself, or on its ratio to the limit. */
export interface Goal {
  on: 'value' | 'ratio';
  op: '>=' | '<=';
  target: number;
}

/** One measured figure, as a scenario hands it to the report. */
export interface Figure {
  scenario: string;
  figure: string;
  /** null when the figure was not measured (skipped, timed out); `note` says why. */
  value: number | null;
  unit: string;
  /** Throughputs are also shown as a ratio to the limit measured in the same run. */
  relativeToLimit?: boolean;
  goal?: Goal;
  note?: string;
}

/** A figure with its ratio and verdict, as printed and saved. */
export interface ReportRow extends Figure {
  ratio: number | null;
  goalText: string;
  met: boolean | null;
}

/** What results.json holds. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; model: string; memoryBytes: number; node: string; platform: string };
  options: { scale: number; only: string[] | null; repeats: number; postgres: boolean; serverRunsThroughTsx: boolean };
  limit: number | null;
  rows: ReportRow[];
}

/** Turns figures into report rows: ratio to `limit` where asked for, and whether each goal is met. */
export function evaluate(figures: Figure[], limit: number | null): ReportRow[] {
  return figures.map((f) => {
    const ratio = f.relativeToLimit && f.value !== null && limit !== null && limit > 0 ? f.value / limit : null;
    let met: boolean | null = null;
    let goalText = '';
    if (f.goal) {
      const subject = f.goal.on === 'ratio' ? ratio : f.value;
      goalText = `${f.goal.on === 'ratio' ? 'ratio ' : ''}${f.goal.op === '>=' ? '≥' : '≤'} ${f.goal.target}`;
      if (subject !== null && Number.isFinite(subject)) met = f.goal.op === '>=' ? subject >= f.goal.target : subject <= f.goal.target;
    }
    return { ...f, ratio, goalText, met };
  });
}

/** The machine the run happened on, for the report and BENCHMARKS.md. */
export function describeMachine(): BenchResults['machine'] {
  const list = cpus();
  return { cpus: list.length, model: list[0]?.model ?? 'unknown', memoryBytes: totalmem(), node: process.version, platform: `${process.platform}-${process.arch}` };
}

function formatValue(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The one table `npm run bench` prints, as text (markdown-compatible, so BENCHMARKS.md can quote it). */
export function renderTable(rows: ReportRow[]): string {
  const header = ['scenario', 'figure', 'value', 'unit', 'ratio to limit', 'goal', 'met?'];
  const body = rows.map((r) => [
    r.scenario,
    r.figure + (r.note ? ` (${r.note})` : ''),
    formatValue(r.value),
    r.unit,
    r.ratio === null ? '' : r.ratio.toFixed(2),
    r.goalText,
    r.met === null ? (r.goalText ? '—' : '') : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Writes results.json. */
export function writeResults(path: string, results: BenchResults): void {
  writeFileSync(path, JSON.stringify(results, null, 2) + '\n');
}
