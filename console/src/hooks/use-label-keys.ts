import { useEffect, useRef } from 'preact/hooks';

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName));

/** What the document view's keys do: 1–9 (the nth label), Escape, Delete/Backspace. */
export interface LabelKeys {
  onDigit: (n: number) => boolean;
  onEscape: () => void;
  onDelete: () => boolean;
}

/** Listens to the labeling keys on the whole page, except while typing in a form field. */
export function useLabelKeys(keys: LabelKeys): void {
  const saved = useRef(keys);
  saved.current = keys;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const k = saved.current;
      if (/^[1-9]$/.test(e.key)) {
        if (k.onDigit(Number(e.key))) e.preventDefault();
      } else if (e.key === 'Escape') k.onEscape();
      else if ((e.key === 'Delete' || e.key === 'Backspace') && k.onDelete()) e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
