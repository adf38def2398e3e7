import { useSession } from '../api/context.ts';
import type { LabelMode } from '../api/types.ts';
import { ProjectCompleteButton } from '../components/CompletionButtons.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Loading } from '../components/Loading.tsx';
import { ProjectProgress } from '../components/ProjectProgress.tsx';
import { useAsync } from '../hooks/use-async.ts';
import { ofProject, touchesDocuments, useLiveReload } from '../hooks/use-live.ts';
import { progressOf, queueOf } from '../progress.ts';
import { canReview } from '../roles.ts';
import { href } from '../router.ts';

/** The signed-in member's open documents of a project, in labeler mode or (reviewers, admins) reviewer mode. */
export function QueuePage({ id, mode }: { id: string; mode: LabelMode }) {
  const { api, me } = useSession();
  const project = useAsync(() => api.getProject(id), [api, id]);
  const documents = useAsync(() => api.allDocuments(id, 'active'), [api, id]);
  // Any event of the project may change its status or counts; only task events change the documents.
  useLiveReload(ofProject(id), project.reload);
  useLiveReload((e) => ofProject(id)(e) && touchesDocuments(e), documents.reload);
  if (mode === 'reviewer' && !canReview(me.member.role)) {
    return (
      <section>
        <h1>Review queue</h1>
        <ErrorMessage error="Reviewer mode is for reviewers and admins; your role is labeler." />
        <p>
          <a href={href(`/projects/${id}/queue`)}>Go to your labeling queue</a>
        </p>
      </section>
    );
  }
  const suffix = mode === 'reviewer' ? '?mode=reviewer' : '';
  const open = documents.data ? queueOf(documents.data, me.member.id, mode) : [];
  return (
    <section>
      <p class="crumbs">
        <a href={href('/projects')}>Projects</a> / {project.data ? <a href={href(`/projects/${id}`)}>{project.data.name}</a> : null} /
      </p>
      <div class="title-row">
        <h1>{mode === 'reviewer' ? 'Review queue' : 'Your queue'}</h1>
        {project.data ? <ProjectCompleteButton project={project.data} mode={mode} onDone={project.reload} /> : null}
      </div>
      {project.error ? <ErrorMessage error={project.error} onRetry={project.reload} /> : null}
      {documents.error ? <ErrorMessage error={documents.error} onRetry={documents.reload} /> : null}
      {documents.loading && !documents.data ? <Loading label="Loading your documents" /> : null}
      {documents.data ? <ProjectProgress progress={progressOf(documents.data)} /> : null}
      {documents.data && open.length === 0 ? (
        <EmptyState title={mode === 'reviewer' ? 'Nothing left to review' : 'Nothing left to label'}>
          Every document of this project is marked {mode === 'reviewer' ? 'reviewed' : 'complete'} by you.
        </EmptyState>
      ) : null}
      {open.length > 0 ? (
        <>
          <p>
            <a class="button" href={href(`/documents/${open[0]!.id}${suffix}`)}>
              Open the next document
            </a>{' '}
            <span class="dim">{open.length} open</span>
          </p>
          <ol class="queue">
            {open.map((d) => (
              <li key={d.id}>
                <a href={href(`/documents/${d.id}${suffix}`)}>{d.name}</a>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
