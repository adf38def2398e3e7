import { useSession } from '../api/context.ts';
import type { DocumentItem } from '../api/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { EventList } from '../components/EventList.tsx';
import { ExportPanel } from '../components/ExportPanel.tsx';
import { Loading } from '../components/Loading.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatTime } from '../format.ts';
import { useAsync } from '../hooks/use-async.ts';
import { href } from '../router.ts';

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

/** One project: its label set, documents with their completion state, and the events it emitted. */
export function ProjectPage({ id }: { id: string }) {
  const { api } = useSession();
  const project = useAsync(() => api.getProject(id), [api, id]);
  const documents = useAsync(() => api.listDocuments(id, { limit: 200 }), [api, id]);
  const p = project.data;
  return (
    <section>
      <p class="crumbs">
        <a href={href('/projects')}>Projects</a> /
      </p>
      {project.error ? <ErrorMessage error={project.error} onRetry={project.reload} /> : null}
      {project.loading && !p ? <Loading label="Loading the project" /> : null}
      {p ? (
        <>
          <h1>
            {p.name} <StatusBadge status={p.status} />
          </h1>
          <dl class="facts">
            <div>
              <dt>Id</dt>
              <dd>
                <code>{p.id}</code>
              </dd>
            </div>
            <div>
              <dt>Documents</dt>
              <dd>{p.documentCount ?? documents.data?.data.length ?? '—'}</dd>
            </div>
            <div>
              <dt>Labels</dt>
              <dd>{p.labelCount ?? '—'}</dd>
            </div>
            <div>
              <dt>Tags</dt>
              <dd>{p.tags.length ? p.tags.join(', ') : '—'}</dd>
            </div>
            <div>
              <dt>Label set</dt>
              <dd>
                {p.labelSet.length
                  ? p.labelSet.map((l) => (
                      <span key={l.id} class="tag" style={l.color ? { borderColor: l.color } : undefined}>
                        {l.label}
                      </span>
                    ))
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatTime(p.createdAt)}</dd>
            </div>
          </dl>
        </>
      ) : null}

      {p ? <ExportPanel projectId={id} /> : null}

      <h2>Documents</h2>
      {documents.error ? <ErrorMessage error={documents.error} onRetry={documents.reload} /> : null}
      {documents.loading && !documents.data ? <Loading label="Loading documents" /> : null}
      {documents.data && documents.data.data.length === 0 ? <EmptyState title="No documents in this project yet" /> : null}
      {documents.data && documents.data.data.length > 0 ? (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="hide-narrow">Key</th>
                <th scope="col">Completion</th>
                <th scope="col" class="num hide-narrow">Labels</th>
              </tr>
            </thead>
            <tbody>
              {documents.data.data.map((d) => {
                const c = completionOf(d);
                return (
                  <tr key={d.id}>
                    <td>{d.name}</td>
                    <td class="hide-narrow">
                      <code>{d.key ?? '—'}</code>
                    </td>
                    <td>
                      <StatusBadge status={c.state} />
                      {c.at ? <span class="dim small hide-narrow"> {formatTime(c.at)}</span> : null}
                    </td>
                    <td class="num hide-narrow">{d.labelCount ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {documents.data.nextCursor ? <p class="dim">Showing the first {documents.data.data.length} documents.</p> : null}
        </div>
      ) : null}

      <h2>Events</h2>
      <EventList projectId={id} />
    </section>
  );
}
