import { useSession } from '../api/context.ts';
import { ProjectCompleteButton } from '../components/CompletionButtons.tsx';
import { DocumentsPanel } from '../components/DocumentsPanel.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { EventList } from '../components/EventList.tsx';
import { ImportPanel } from '../components/ImportPanel.tsx';
import { ExportPanel } from '../components/ExportPanel.tsx';
import { Loading } from '../components/Loading.tsx';
import { ProjectProgress } from '../components/ProjectProgress.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatTime } from '../format.ts';
import { useAsync } from '../hooks/use-async.ts';
import { ofProject, touchesDocuments, useLiveReload } from '../hooks/use-live.ts';
import { colorOf } from '../labeling/colors.ts';
import { progressOf } from '../progress.ts';
import { canReview, canSetUp } from '../roles.ts';
import { href } from '../router.ts';

/** One project: its label set, progress, documents with their completion state, and the events it emitted. */
export function ProjectPage({ id }: { id: string }) {
  const { api, me } = useSession();
  const project = useAsync(() => api.getProject(id), [api, id]);
  const documents = useAsync(() => api.allDocuments(id), [api, id]);
  // Changes made elsewhere (another member, the API, the CLI) show up without a reload.
  // Any event of the project may change its status or counts; only task events change the documents.
  useLiveReload(ofProject(id), project.reload);
  useLiveReload((e) => ofProject(id)(e) && touchesDocuments(e), documents.reload);
  const admin = canSetUp(me.member.role);
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
          <div class="title-row">
            <h1>
              {p.name} <StatusBadge status={p.status} />
            </h1>
            <div class="actions">
              <a class="button" href={href(`/projects/${p.id}/queue`)}>
                Label
              </a>
              {canReview(me.member.role) ? (
                <a class="button secondary" href={href(`/projects/${p.id}/queue?mode=reviewer`)}>
                  Review
                </a>
              ) : null}
              {admin ? (
                <a class="button secondary" href={href(`/projects/${p.id}/edit`)}>
                  Edit project
                </a>
              ) : null}
            </div>
          </div>
          <dl class="facts">
            <div>
              <dt>Id</dt>
              <dd>
                <code>{p.id}</code>
              </dd>
            </div>
            <div>
              <dt>Documents</dt>
              <dd>{p.documentCount ?? documents.data?.length ?? '—'}</dd>
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
                  ? p.labelSet.map((l, i) => (
                      <span key={l.id} class="tag">
                        <span class="swatch" style={{ backgroundColor: colorOf(l, i) }} aria-hidden="true" />
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

      {documents.data ? <ProjectProgress progress={progressOf(documents.data)} /> : null}
      {p ? (
        <div class="actions">
          <ProjectCompleteButton project={p} mode="labeler" onDone={project.reload} />
          <ProjectCompleteButton project={p} mode="reviewer" onDone={project.reload} />
        </div>
      ) : null}
      {admin ? <ImportPanel projectId={id} onImported={documents.reload} /> : null}
      {p ? <ExportPanel projectId={id} /> : null}

      <h2>Documents</h2>
      {documents.error ? <ErrorMessage error={documents.error} onRetry={documents.reload} /> : null}
      {documents.loading && !documents.data ? <Loading label="Loading documents" /> : null}
      {documents.data ? <DocumentsPanel projectId={id} documents={documents.data} onChanged={documents.reload} /> : null}

      <h2>Events</h2>
      <EventList projectId={id} />
    </section>
  );
}
