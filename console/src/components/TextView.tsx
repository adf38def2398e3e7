import { memo } from 'preact/compat';
import type { Ref } from 'preact';
import type { TextBlock } from '../labeling/blocks.ts';
import { segmentsOf, type SpanMark } from '../labeling/segments.ts';

/** A span label as drawn: its range, colour and name. */
export interface DrawnMark extends SpanMark {
  color: string;
  name: string;
}

interface BlockProps {
  text: string;
  block: TextBlock;
  marks: DrawnMark[];
  selectedId: string | null;
}

function sameMarks(a: BlockProps, b: BlockProps): boolean {
  if (a.text !== b.text || a.block !== b.block || a.marks.length !== b.marks.length) return false;
  const touches = (p: BlockProps) => p.marks.some((m) => m.id === p.selectedId);
  if (a.selectedId !== b.selectedId && (touches(a) || touches(b))) return false;
  return a.marks.every((m, i) => {
    const n = b.marks[i]!;
    return m.id === n.id && m.start === n.start && m.end === n.end && m.color === n.color && m.name === n.name;
  });
}

// Each block re-renders only when its own labels change, so the DOM (and a selection in it) stays put elsewhere.
const Block = memo(function Block({ text, block, marks, selectedId }: BlockProps) {
  const byId = new Map(marks.map((m) => [m.id, m]));
  return (
    <div class="text-block" data-start={block.start} data-end={block.end}>
      {segmentsOf(block.start, block.end, marks).map((s) => {
        const piece = text.slice(s.start, s.end);
        if (s.labels.length === 0) return piece;
        const top = byId.get(s.labels[s.labels.length - 1]!)!;
        const ends = s.endsHere.map((id) => byId.get(id)!.name).join(' · ');
        return (
          <mark
            key={s.start}
            class={`span${s.labels.length > 1 ? ' overlap' : ''}${s.labels.includes(selectedId ?? '') ? ' selected' : ''}`}
            data-label-id={top.id}
            data-label-ids={s.labels.join(' ')}
            data-name={ends || undefined}
            style={{ backgroundColor: top.color }}
          >
            {piece}
          </mark>
        );
      })}
    </div>
  );
}, sameMarks);

/**
 * A document's text, block by block (the browser skips laying out blocks off screen, so 1 MB scrolls smoothly),
 * with span labels as coloured highlights whose name follows them. Clicking a highlight selects that label.
 */
export function TextView(props: {
  text: string;
  blocks: TextBlock[];
  marks: DrawnMark[];
  selectedId: string | null;
  viewRef: Ref<HTMLDivElement>;
  onMarkClick: (id: string) => void;
  onKeyDown: (e: KeyboardEvent) => void;
}) {
  const { text, blocks, marks } = props;
  // Marks per block, found once per render rather than per block.
  const perBlock = blocks.map(() => [] as DrawnMark[]);
  for (const m of marks) {
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      if (m.end > b.start && m.start < b.end) perBlock[i]!.push(m);
    }
  }
  return (
    <div
      class="text-view"
      ref={props.viewRef}
      tabIndex={0}
      role="document"
      aria-label="Document text. Select characters with the mouse, or with Shift and the arrow keys; press 1 to 9 to label them."
      onKeyDown={props.onKeyDown}
      onClick={(e) => {
        const mark = (e.target as Element).closest<HTMLElement>('mark[data-label-id]');
        const sel = window.getSelection();
        if (mark && (!sel || sel.isCollapsed)) props.onMarkClick(mark.dataset.labelId!);
      }}
    >
      {blocks.map((b, i) => (
        <Block key={b.start} text={text} block={b} marks={perBlock[i]!} selectedId={props.selectedId} />
      ))}
    </div>
  );
}
