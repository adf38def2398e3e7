/** Items `start` (inclusive) to `end` (exclusive) of a list: one part. */
export interface PartRange {
  start: number;
  end: number;
}

/**
 * Packs a list into consecutive parts, greedily: a part closes when its next item would take the body over
 * `limit`. A body is `envelope` bytes with an empty list plus its items' JSON joined by commas, so `sizes[i]`
 * (the UTF-8 length of item i's JSON) gives each part's exact size. An item too large on its own still gets a
 * part (of its own): callers leave out its content first. Pure, so the splitting is tested as a table.
 */
export function planParts(sizes: readonly number[], envelope: number, limit: number): PartRange[] {
  const parts: PartRange[] = [];
  let start = 0;
  let bytes = envelope;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    if (i > start && bytes + 1 + size > limit) {
      parts.push({ start, end: i });
      start = i;
      bytes = envelope + size;
    } else {
      bytes += i > start ? 1 + size : size;
    }
  }
  if (sizes.length > 0) parts.push({ start, end: sizes.length });
  return parts;
}

/** UTF-8 length of a string: free when even three bytes per UTF-16 unit stay within `limit` (the common case). */
export function fitsIn(text: string, limit: number): boolean {
  return text.length * 3 <= limit || Buffer.byteLength(text) <= limit;
}
