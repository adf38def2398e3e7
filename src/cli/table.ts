import type { Colors } from './colors.js';

/** Renders rows as aligned columns under a header (the last column is not padded, so long URLs do not widen the rest). */
export function renderTable(header: string[], rows: string[][], colors: Colors): string {
  if (rows.length === 0) return '';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [colors.bold(line(header)), ...rows.map(line)].join('\n') + '\n';
}

/** `--json` output: the API's answer, pretty-printed, for scripts (jq). */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
