import type { Label, LabelMode, LabelSetItem, LabelType } from '../api/types.ts';
import { colorOf } from '../labeling/colors.ts';
import type { UpdateState } from '../hooks/use-label-update.ts';

/** Everything the side panel of the document view needs to show and do. */
export interface LabelPanelProps {
  mode: LabelMode;
  labelSet: LabelSetItem[];
  text: string | null;
  hasRow: boolean;
  pending: { start: number; end: number } | null;
  labels: Label[];
  selected: Label | null;
  memberName: (id: string) => string;
  update: UpdateState;
  onApply: (item: LabelSetItem, type: LabelType) => void;
  onSelect: (id: string | null) => void;
  onChange: (label: Label, itemId: string) => void;
  onDelete: (label: Label) => void;
  onAccept: (label: Label) => void;
}

const excerpt = (text: string | null, l: Label) => {
  const s = text?.slice(l.startCharIndex, Math.min(l.endCharIndex, l.startCharIndex + 60)) ?? '';
  return l.endCharIndex - l.startCharIndex > 60 ? `${s}…` : s;
};

function UpdateStatus({ state }: { state: UpdateState }) {
  return (
    <div aria-live="polite" class="update-status">
      {state.kind === 'waiting' ? (
        <p class="notice waiting" data-testid="update-waiting">
          <span class="spinner" aria-hidden="true" /> Waiting for the label gate (a blocking webhook) to approve this update…
        </p>
      ) : null}
      {state.kind === 'vetoed' ? (
        <p class="error gate-reason" role="alert" data-testid="gate-reason">
          Not applied: a blocking webhook rejected this label update. Reason: <strong>{state.reason}</strong>
        </p>
      ) : null}
      {state.kind === 'failed' ? (
        <p class="error" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

type Busy = { busy: boolean };

/** The label set as buttons (keys 1–9) for the selection, and the whole-document and row labels. */
function Palette(p: LabelPanelProps & Busy) {
  const keep = (e: MouseEvent) => e.preventDefault(); // keep the text selection when a button is pressed
  return (
    <>
      <h2>Label set</h2>
      <p class="dim small">
        {p.pending && p.text !== null
          ? `Selected characters ${p.pending.start}–${p.pending.end}: “${p.text.slice(p.pending.start, Math.min(p.pending.end, p.pending.start + 60))}”`
          : p.text !== null
            ? 'Select text, then choose a label (or press its number).'
            : 'This document has no text: apply row or document labels.'}
      </p>
      <ul class="palette">
        {p.labelSet.map((item, i) => (
          <li key={item.id}>
            <button
              type="button"
              class="secondary label-button"
              disabled={p.busy || (!p.pending && !p.selected)}
              onMouseDown={keep}
              onClick={() => (p.selected && !p.pending ? p.onChange(p.selected, item.id) : p.onApply(item, 'SPAN'))}
              aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
            >
              <span class="swatch" style={{ backgroundColor: colorOf(item, i) }} aria-hidden="true" />
              {i < 9 ? <kbd>{i + 1}</kbd> : null} {item.label}
            </button>
          </li>
        ))}
      </ul>
      <h3>Whole-document labels</h3>
      <div class="actions">
        {p.labelSet.map((item) => (
          <span key={item.id} class="doc-label-actions">
            <button type="button" class="secondary small" disabled={p.busy} onClick={() => p.onApply(item, 'DOCUMENT')}>
              Document: {item.label}
            </button>
            {p.hasRow ? (
              <button type="button" class="secondary small" disabled={p.busy} onClick={() => p.onApply(item, 'ROW')}>
                Row: {item.label}
              </button>
            ) : null}
          </span>
        ))}
      </div>
    </>
  );
}

/** The selected label: what and whose it is; change, accept (reviewer mode), delete. */
function SelectedLabel(p: LabelPanelProps & Busy & { label: Label }) {
  const l = p.label;
  return (
    <section class="selected-label" aria-label="Selected label">
      <h3>Selected label</h3>
      <p>
        <strong>{p.labelSet.find((i) => i.id === l.labelSetItemId)?.label ?? l.labelSetItemId}</strong> ({l.type.toLowerCase()}
        {l.type === 'SPAN' ? `, characters ${l.startCharIndex}–${l.endCharIndex}` : ''}) by {p.memberName(l.labeledByUserId)}
      </p>
      <div class="actions">
        <label for="change-label" class="sr-only">
          Change to
        </label>
        <select id="change-label" value={l.labelSetItemId} disabled={p.busy} onChange={(e) => p.onChange(l, e.currentTarget.value)}>
          {p.labelSet.map((i) => (
            <option key={i.id} value={i.id}>
              {i.label}
            </option>
          ))}
        </select>
        {p.mode === 'reviewer' && l.labeledBy !== 'REVIEWER' ? (
          <button type="button" disabled={p.busy} onClick={() => p.onAccept(l)}>
            Accept
          </button>
        ) : null}
        <button type="button" class="danger" disabled={p.busy} onClick={() => p.onDelete(l)}>
          Delete label
        </button>
        <button type="button" class="secondary" onClick={() => p.onSelect(null)}>
          Deselect
        </button>
      </div>
    </section>
  );
}

/** Every label on the document, grouped by the member who saved it last (one group in labeler mode). */
function MemberLabels(p: LabelPanelProps) {
  const indexOf = (id: string) => p.labelSet.findIndex((i) => i.id === id);
  const byMember = new Map<string, Label[]>();
  for (const l of p.labels) byMember.set(l.labeledByUserId, [...(byMember.get(l.labeledByUserId) ?? []), l]);
  return (
    <>
      <h2>{p.mode === 'reviewer' ? 'Labels by member' : 'Your labels'}</h2>
      {p.labels.length === 0 ? <p class="dim">No labels yet.</p> : null}
      {[...byMember].map(([member, labels]) => (
        <section key={member} class="member-labels" aria-label={`Labels of ${p.memberName(member)}`}>
          {p.mode === 'reviewer' ? (
            <h3>
              {p.memberName(member)} <span class="dim small">({labels.length})</span>
            </h3>
          ) : null}
          <ul class="label-list">
            {labels.map((l) => {
              const i = indexOf(l.labelSetItemId);
              return (
                <li key={l.id}>
                  <button type="button" class={`link label-item${p.selected?.id === l.id ? ' current' : ''}`} aria-pressed={p.selected?.id === l.id} onClick={() => p.onSelect(l.id)}>
                    <span class="swatch" style={{ backgroundColor: colorOf(p.labelSet[i], i) }} aria-hidden="true" />
                    {p.labelSet[i]?.label ?? l.labelSetItemId}
                    {l.type === 'SPAN' ? <span class="dim"> “{excerpt(p.text, l)}”</span> : <span class="dim"> ({l.type.toLowerCase()})</span>}
                    {l.labeledBy === 'REVIEWER' ? <span class="badge badge-ok">reviewed</span> : null}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </>
  );
}

/** The side panel of the document view: the update's state, the label set, the selected label, every label. */
export function LabelPanel(p: LabelPanelProps) {
  const busy = p.update.kind === 'sending' || p.update.kind === 'waiting';
  return (
    <aside class="label-panel" aria-label="Labels">
      <UpdateStatus state={p.update} />
      <Palette {...p} busy={busy} />
      {p.selected ? <SelectedLabel {...p} busy={busy} label={p.selected} /> : null}
      <MemberLabels {...p} />
    </aside>
  );
}
