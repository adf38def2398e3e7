import { useEffect, useRef, useState } from 'preact/hooks';
import { blockAt, type TextBlock } from '../labeling/blocks.ts';
import { positionOf, selectionRange } from '../labeling/dom-offsets.ts';
import { orderedRange, wordStep } from '../labeling/segments.ts';

/**
 * The characters selected in the text view, with the mouse (the browser's selection) or the keyboard (Shift +
 * arrows by character, Ctrl + Shift + arrows by word, Home and End for the text's ends; the browser's selection is
 * set to match so both look alike).
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
      caret.current = { anchor: r.anchor, focus: r.focus };
      setPending(r.collapsed ? null : { start: r.start, end: r.end });
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
    const { anchor, focus } = caret.current;
    let next: number;
    if (e.key === 'Home' || e.key === 'End') next = e.key === 'Home' ? 0 : text.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const dir = e.key === 'ArrowRight' ? 1 : -1;
      next = e.ctrlKey || e.altKey || e.metaKey ? wordStep(text, focus, dir) : Math.min(text.length, Math.max(0, focus + dir));
    } else return false;
    select(e.shiftKey ? anchor : next, next);
    return true;
  };

  /** The selection as it is right now (a key may arrive before the last selectionchange re-rendered the page). */
  const current = (): { start: number; end: number } | null => {
    const r = viewRef.current ? selectionRange(viewRef.current) : null;
    return r && !r.collapsed ? { start: r.start, end: r.end } : pending;
  };

  const clear = () => {
    window.getSelection()?.removeAllRanges();
    setPending(null);
  };

  return { viewRef, pending, current, onKey, clear };
}
