import { useId } from 'preact/hooks';
import type { HeaderRow } from '../header-row.ts';


/** Rows of custom headers sent with every request (e.g. an API token); add and remove with the keyboard too. */
export function HeadersEditor({ rows, onChange, note }: { rows: HeaderRow[]; onChange: (rows: HeaderRow[]) => void; note?: string }) {
  const base = useId();
  const set = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend>Custom headers</legend>
      <p class="dim small">Sent with every request, stored encrypted. Signature and hop-by-hop headers are refused.</p>
      {note ? <p class="notice small">{note}</p> : null}
      {rows.length === 0 ? <p class="dim">No custom headers.</p> : null}
      {rows.map((r, i) => (
        <div class="header-row" key={i}>
          <label for={`${base}-n${i}`} class="sr-only">
            Header {i + 1} name
          </label>
          <input id={`${base}-n${i}`} placeholder="Authorization" value={r.name} onInput={(e) => set(i, { name: e.currentTarget.value })} />
          <label for={`${base}-v${i}`} class="sr-only">
            Header {i + 1} value
          </label>
          <input id={`${base}-v${i}`} placeholder={note ? '(hidden, unchanged)' : 'Bearer …'} value={r.value} onInput={(e) => set(i, { value: e.currentTarget.value })} />
          <button type="button" class="secondary" aria-label={`Remove header ${r.name || i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => onChange([...rows, { name: '', value: '' }])}>
        Add header
      </button>
    </fieldset>
  );
}
