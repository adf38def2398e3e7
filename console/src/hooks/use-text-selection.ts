import { useEffect, useRef, useState } from 'preact/hooks';
import { blockAt, type TextBlock } from '../labeling/blocks.ts';
import { positionOf, selectionRange } from '../labeling/dom-offsets.ts';
import { orderedRange, wordStep } from '../labeling/segments.ts';

/**
 * The characters selected in the text view, with the mouse (the browser's selection) or the keyboard (Shift +
 * arrows by character, Ctrl + Shift + arrows by word; the browser's selection is set to match so both look alike).
 * A click elsewhere on the page (a label button) keeps the selection; a click in the text clears it.
 */
export function useTextSelection(text: string, blocks: TextBlock[]) {
  const viewRef = useRef<HTMLDivElement>(null);
  const [pending, setPending] = useState<{ start: number; end: number } | null>(null);
  const caret = useRef({ anchor: 0, focus: 0 });

  useEffect(() => {
    const onChange = () => {
      const root = viewRef.current;
      if (!root) return;
      const r = selectionRange(root);
      if (!r) return;
      if (r.collapsed) {
        caret.current = { anchor: r.start, focus: r.start };
        setPending(null);
      } else setPending({ start: r.start, end: r.end });
    };
    document.addEventListener('selectionchange', onChange);
    return () => document.removeEventListener('selectionchange', onChange);
  }, []);

  const select = (anchor: number, focus: number) => {
    const root = viewRef.current;
    if (!root) return;
    caret.current = { anchor, focus };
    const a = positionOf(root, blocks, blockAt(blocks, anchor), anchor);
    const f = positionOf(root, blocks, blockAt(blocks, focus), focus);
    const sel = window.getSelection();
    if (a && f && sel) {
      sel.setBaseAndExtent(a.node, a.offset, f.node, f.offset);
      (f.node instanceof Element ? f.node : f.node.parentElement)?.scrollIntoView({ block: 'nearest' });
    }
    setPending(orderedRange(anchor, focus));
  };

  /** Keyboard selection inside the text view; answers whether the key was used. */
  const onKey = (e: KeyboardEvent): boolean => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return false;
    const dir = e.key === 'ArrowRight' ? 1 : -1;
    const { anchor, focus } = caret.current;
    const next = e.ctrlKey || e.altKey || e.metaKey ? wordStep(text, focus, dir) : Math.min(text.length, Math.max(0, focus + dir));
    select(e.shiftKey ? anchor : next, next);
    return true;
  };

  const clear = () => {
    window.getSelection()?.removeAllRanges();
    setPending(null);
  };

  return { viewRef, pending, onKey, clear };
}
