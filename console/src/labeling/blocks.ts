/** A piece of a document's text rendered as one element: characters `start` (inclusive) to `end` (exclusive). */
export interface TextBlock {
  start: number;
  end: number;
}

/** Blocks of about this many characters keep a 1 MB document to a few hundred elements the browser can skip while off screen. */
export const BLOCK_CHARS = 2000;

/**
 * Cuts `text` into blocks of at most `size` characters, ending each at a line break when one is near, else at a
 * space, else anywhere (one long word). Blocks cover the text exactly, in order.
 */
export function textBlocks(text: string, size = BLOCK_CHARS): TextBlock[] {
  const blocks: TextBlock[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    if (end < text.length) {
      const half = start + Math.floor(size / 2);
      const nl = text.lastIndexOf('\n', end - 1);
      const sp = text.lastIndexOf(' ', end - 1);
      if (nl >= half) end = nl + 1;
      else if (sp >= half) end = sp + 1;
    }
    blocks.push({ start, end });
    start = end;
  }
  return blocks;
}

/** The index of the block holding character `offset` (the last block for the text's end). */
export function blockAt(blocks: TextBlock[], offset: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
