import { useSession } from '../api/context.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Loading } from '../components/Loading.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatTime } from '../format.ts';
import { useAsync } from '../hooks/use-async.ts';
import { useLiveReload } from '../hooks/use-live.ts';
import { canSetUp } from '../roles.ts';
import { href } from '../router.ts';

/** Every project of the team with its status and document and label counts. */
export function ProjectsPage() {
  const { api, me } = useSession();
  const projects = useAsync(() => api.listProjects({ limit: 200 }), [api]);
  useLiveReload((e) => e.type.startsWith('PROJECT_') || e.type.startsWith('TASKS_'), projects.reload);
  return (
    <section>
      <div class="title-row">
        <h1>Projects</h1>
        {canSetUp(me.member.role) ? (
          <a class="button" href={href('/projects/new')}>
            New project
          </a>
        ) : null}
      </div>
      {projects.error ? <ErrorMessage error={projects.error} onRetry={projects.reload} /> : null}
      {projects.loading && !projects.data ? <Loading label="Loading projects" /> : null}
      {projects.data && projects.data.data.length === 0 ? (
        <EmptyState title="No projects yet">
          {canSetUp(me.member.role) ? 'Create one with New project' : 'An admin of your team creates them'} (or with <code>POST /api/v1/projects</code>); its events will show up here.
        </EmptyState>
      ) : null}
      {projects.data && projects.data.data.length > 0 ? (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">Documents</th>
                <th scope="col" class="num">Labels</th>
                <th scope="col" class="hide-narrow">Created</th>
              </tr>
            </thead>
            <tbody>
              {projects.data.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <a href={href(`/projects/${p.id}`)}>{p.name}</a>
                    {p.tags.length ? <span class="tags">{p.tags.map((t) => <span key={t} class="tag">{t}</span>)}</span> : null}
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td class="num">{p.documentCount ?? '—'}</td>
                  <td class="num">{p.labelCount ?? '—'}</td>
                  <td class="hide-narrow">{formatTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
