import type { TextBlock } from './blocks.ts';

// The text view renders each block as an element with `data-start`; inside it only the document's characters are
// text nodes (label names are CSS generated content), so offsets are sums of text node lengths.

/** The block element holding `node`, if it is inside the text view `root`. */
function blockElementOf(root: Element, node: Node): HTMLElement | null {
  const el = node instanceof Element ? node : node.parentElement;
  const block = el?.closest<HTMLElement>('[data-start]') ?? null;
  return block && root.contains(block) ? block : null;
}

/** The document offset of a DOM position (`node`, `offset`) inside the text view, or null when outside it. */
export function offsetOf(root: Element, node: Node, offset: number): number | null {
  const block = blockElementOf(root, node);
  if (!block) {
    // A position on the view itself (between blocks): the start of the child block at `offset`.
    if (node !== root) return null;
    const child = root.children[offset] as HTMLElement | undefined;
    const start = child?.dataset.start ?? (root.lastElementChild as HTMLElement | null)?.dataset.end;
    return start === undefined ? null : Number(start);
  }
  const base = Number(block.dataset.start);
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  let sum = 0;
  if (node.nodeType === Node.TEXT_NODE) {
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t === node) return base + sum + offset;
      sum += t.textContent?.length ?? 0;
    }
    return null;
  }
  // An element position: count the characters of the children before `offset`.
  const stop = node.childNodes[offset] ?? null;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (stop && (stop === t || stop.contains(t) || (stop.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0)) break;
    sum += t.textContent?.length ?? 0;
  }
  return base + sum;
}

/** The DOM position of document offset `at` inside the rendered block that holds it. */
export function positionOf(root: Element, blocks: TextBlock[], index: number, at: number): { node: Node; offset: number } | null {
  const block = root.querySelector<HTMLElement>(`[data-start="${blocks[index]?.start ?? -1}"]`);
  if (!block) return null;
  let left = at - Number(block.dataset.start);
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  let last: Node | null = null;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const len = t.textContent?.length ?? 0;
    if (left <= len) return { node: t, offset: left };
    left -= len;
    last = t;
  }
  return last ? { node: last, offset: last.textContent?.length ?? 0 } : { node: block, offset: 0 };
}

/** The current selection as a document range inside the text view, or null (collapsed, or outside). */
export function selectionRange(root: Element): { start: number; end: number; anchor: number; focus: number; collapsed: boolean } | null {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || !sel.anchorNode || !sel.focusNode) return null;
  const a = offsetOf(root, sel.anchorNode, sel.anchorOffset);
  const f = offsetOf(root, sel.focusNode, sel.focusOffset);
  if (a === null || f === null) return null;
  return { start: Math.min(a, f), end: Math.max(a, f), anchor: a, focus: f, collapsed: a === f };
}
