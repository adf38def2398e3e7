/** A span label as the text view draws it. */
export interface SpanMark {
  id: string;
  start: number;
  end: number;
}

/** A run of characters covered by the same labels (none for plain text). */
export interface Segment {
  start: number;
  end: number;
  /** Ids of the labels covering the run, in the order the marks were given. */
  labels: string[];
  /** Ids of the labels that end with this run (their name is shown after it). */
  endsHere: string[];
}

/**
 * The runs of characters `from`..`to` split at every label boundary, each with the labels covering it. Labels
 * overlapping the range are clipped to it; empty labels are skipped.
 */
export function segmentsOf(from: number, to: number, marks: SpanMark[]): Segment[] {
  const inside = marks.filter((m) => m.end > m.start && m.end > from && m.start < to);
  const cuts = new Set<number>([from, to]);
  for (const m of inside) {
    if (m.start > from) cuts.add(m.start);
    if (m.end < to) cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    const covering = inside.filter((m) => m.start <= start && m.end >= end);
    out.push({ start, end, labels: covering.map((m) => m.id), endsHere: covering.filter((m) => m.end === end).map((m) => m.id) });
  }
  return out;
}

/** Moves a caret by one word (`dir` 1 or -1) the way text editors do: to the next word end, or the previous word start. */
export function wordStep(text: string, at: number, dir: 1 | -1): number {
  const isWord = (i: number) => /[\p{L}\p{N}_]/u.test(text[i] ?? ' ');
  let i = at;
  if (dir === 1) {
    while (i < text.length && !isWord(i)) i++;
    while (i < text.length && isWord(i)) i++;
  } else {
    while (i > 0 && !isWord(i - 1)) i--;
    while (i > 0 && isWord(i - 1)) i--;
  }
  return i;
}

/** A selection between two caret positions as a start ≤ end range, or null when it is empty. */
export function orderedRange(anchor: number, focus: number): { start: number; end: number } | null {
  if (anchor === focus) return null;
  return { start: Math.min(anchor, focus), end: Math.max(anchor, focus) };
}
