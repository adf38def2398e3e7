import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { DocumentItem } from '../api/types.ts';
import { formatTime } from '../format.ts';
import { canSetUp } from '../roles.ts';
import { href } from '../router.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { EmptyState } from './EmptyState.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { StatusBadge } from './StatusBadge.tsx';

function completionOf(d: DocumentItem): { state: string; at: string | null } {
  if (d.status === 'excluded') return { state: 'excluded', at: null };
  const last = (mode: 'labeler' | 'reviewer') =>
    (d.completions ?? []).filter((c) => c.mode === mode).map((c) => c.completedAt).sort().at(-1) ?? null;
  const reviewed = last('reviewer');
  if (reviewed) return { state: 'reviewed', at: reviewed };
  const completed = last('labeler');
  if (completed) return { state: 'completed', at: completed };
  return { state: 'open', at: null };
}

/** A project's documents with their completion state; admins select some to exclude or delete. */
export function DocumentsPanel({ projectId, documents, onChanged }: { projectId: string; documents: DocumentItem[]; onChanged: () => void }) {
  const { api, me } = useSession();
  const admin = canSetUp(me.member.role);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const ids = [...chosen].filter((id) => documents.some((d) => d.id === id));
  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      setChosen(new Set());
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  if (documents.length === 0) return <EmptyState title="No documents in this project yet" />;
  return (
    <>
      {admin ? (
        <div class="actions" role="group" aria-label="Selected documents">
          <span class="dim">{ids.length} selected</span>
          <button type="button" class="secondary" disabled={ids.length === 0} onClick={() => void act(() => api.excludeDocuments(projectId, ids))}>
            Exclude
          </button>
          {ids.length > 0 ? (
            <ConfirmButton
              label="Delete"
              danger
              question={`Delete ${ids.length} document${ids.length === 1 ? '' : 's'} with their labels?`}
              confirmLabel="Delete documents"
              onConfirm={() => act(() => api.deleteDocuments(projectId, ids))}
            />
          ) : null}
        </div>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      <div class="table-wrap">
        <table class="list">
          <thead>
            <tr>
              {admin ? <th scope="col"><span class="sr-only">Select</span></th> : null}
              <th scope="col">Name</th>
              <th scope="col" class="hide-narrow">Key</th>
              <th scope="col">Completion</th>
            </tr>
          </thead>
          <tbody>
            {documents.map((d) => {
              const c = completionOf(d);
              return (
                <tr key={d.id} data-document-id={d.id}>
                  {admin ? (
                    <td>
                      <input type="checkbox" aria-label={`Select ${d.name}`} checked={chosen.has(d.id)} onChange={() => toggle(d.id)} />
                    </td>
                  ) : null}
                  <td>{d.status === 'active' ? <a href={href(`/documents/${d.id}`)}>{d.name}</a> : d.name}</td>
                  <td class="hide-narrow">
                    <code>{d.key ?? '—'}</code>
                  </td>
                  <td>
                    <StatusBadge status={c.state} />
                    {c.at ? <span class="dim small hide-narrow"> {formatTime(c.at)}</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
