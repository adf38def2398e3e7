import { useEffect, useMemo, useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { FullDocument, Label, LabelMode, LabelSetItem, LabelType, LabelUpsert, Project } from '../api/types.ts';
import { DocumentCompleteButton } from '../components/CompletionButtons.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { LabelPanel } from '../components/LabelPanel.tsx';
import { Loading } from '../components/Loading.tsx';
import { TextView, type DrawnMark } from '../components/TextView.tsx';
import { useAsync } from '../hooks/use-async.ts';
import { useLabelKeys } from '../hooks/use-label-keys.ts';
import { useLabelUpdate } from '../hooks/use-label-update.ts';
import { mentionsDocument, touchesDocuments, useLiveReload } from '../hooks/use-live.ts';
import { useMemberNames } from '../hooks/use-member-names.ts';
import { useTextSelection } from '../hooks/use-text-selection.ts';
import { textBlocks } from '../labeling/blocks.ts';
import { colorOf } from '../labeling/colors.ts';
import { canReview } from '../roles.ts';
import { href } from '../router.ts';

/** The span labels of `labels` as the text view draws them, in their label set item's colour. */
function drawnMarks(labels: Label[], labelSet: LabelSetItem[]): DrawnMark[] {
  return labels
    .filter((l) => l.type === 'SPAN')
    .map((l) => {
      const i = labelSet.findIndex((item) => item.id === l.labelSetItemId);
      return { id: l.id, start: l.startCharIndex, end: l.endCharIndex, color: colorOf(labelSet[i], i), name: labelSet[i]?.label ?? l.labelSetItemId };
    });
}

/** The labeling view of one document, in labeler mode (your labels) or reviewer mode (every member's labels). */
export function DocumentPage({ id, mode }: { id: string; mode: LabelMode }) {
  const { me } = useSession();
  if (mode === 'reviewer' && !canReview(me.member.role)) {
    return (
      <section>
        <h1>Reviewer mode</h1>
        <ErrorMessage error="Reviewer mode is for reviewers and admins; your role is labeler." />
        <p>
          <a href={href(`/documents/${id}`)}>Open the document in labeler mode</a>
        </p>
      </section>
    );
  }
  return <DocumentLoader id={id} mode={mode} />;
}

function DocumentLoader({ id, mode }: { id: string; mode: LabelMode }) {
  const { api } = useSession();
  const doc = useAsync(() => api.getDocument(id), [api, id]);
  const projectId = doc.data?.projectId;
  const project = useAsync(() => (projectId ? api.getProject(projectId) : Promise.resolve(undefined)), [api, projectId]);
  const loaded = useAsync(() => api.listLabels(id), [api, id]);
  const [labels, setLabels] = useState<Label[] | null>(null);
  useEffect(() => setLabels(loaded.data?.data ?? null), [loaded.data]);
  // Label events reload the labels only; the text (up to megabytes) is fetched again only when completion changes.
  useLiveReload((e) => mentionsDocument(e, id) && !touchesDocuments(e), loaded.reload);
  useLiveReload((e) => mentionsDocument(e, id) && touchesDocuments(e), doc.reload);
  const memberName = useMemberNames(projectId ?? null);
  if (doc.error) return <ErrorMessage error={doc.error} onRetry={doc.reload} />;
  if (!doc.data || !project.data || !labels) return <Loading label="Opening the document" />;
  return <Workspace key={id} mode={mode} labels={labels} setLabels={setLabels} memberName={memberName} doc={doc.data} project={project.data} onCompleted={doc.reload} />;
}

interface WorkspaceProps {
  mode: LabelMode;
  labels: Label[];
  setLabels: (l: Label[]) => void;
  memberName: (id: string) => string;
  doc: FullDocument;
  project: Project;
  onCompleted: () => void;
}

function Workspace({ mode, labels, setLabels, memberName, doc, project, onCompleted }: WorkspaceProps) {
  const { api, me } = useSession();
  const text = doc.text ?? '';
  const blocks = useMemo(() => textBlocks(text), [text]);
  const { viewRef, pending, current, onKey, clear } = useTextSelection(text, blocks);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const { state, send } = useLabelUpdate(api, doc.id, setLabels);
  const labeledBy = mode === 'reviewer' ? 'REVIEWER' : 'LABELER';
  const visible = mode === 'reviewer' ? labels : labels.filter((l) => l.labeledByUserId === me.member.id);
  const selected = visible.find((l) => l.id === selectedId) ?? null;

  const upsert = async (u: LabelUpsert) => send({ toUpsertList: [{ ...u, labeledBy }], mode });
  const apply = async (item: LabelSetItem, type: LabelType) => {
    if (type === 'SPAN') {
      const range = current();
      if (!range) return;
      if (await upsert({ type, labelSetItemId: item.id, startCharIndex: range.start, endCharIndex: range.end })) clear();
    } else await upsert({ type, labelSetItemId: item.id });
  };
  const change = (l: Label, itemId: string) => void upsert({ id: l.id, labelSetItemId: itemId });
  const remove = async (l: Label) => {
    if (await send({ toDeleteList: [{ id: l.id }], mode })) setSelectedId(null);
  };

  useLabelKeys({
    onDigit: (n) => {
      const item = project.labelSet[n - 1];
      if (!item) return false;
      if (current()) void apply(item, 'SPAN');
      else if (selected) change(selected, item.id);
      return true;
    },
    onEscape: () => {
      clear();
      setSelectedId(null);
    },
    onDelete: () => {
      if (!selected || pending) return false;
      void remove(selected);
      return true;
    },
  });

  const mine = doc.completions.some((c) => c.memberId === me.member.id && c.mode === mode);
  const queueHref = href(`/projects/${project.id}/queue${mode === 'reviewer' ? '?mode=reviewer' : ''}`);
  return (
    <section class="workspace">
      <p class="crumbs">
        <a href={href('/projects')}>Projects</a> / <a href={href(`/projects/${project.id}`)}>{project.name}</a> /{' '}
        <a href={queueHref}>{mode === 'reviewer' ? 'Review queue' : 'Your queue'}</a> /
      </p>
      <div class="title-row">
        <h1>
          {doc.name} <span class={`badge ${mode === 'reviewer' ? 'badge-warn' : 'badge-muted'}`}>{mode} mode</span>
        </h1>
        <DocumentCompleteButton documentId={doc.id} mode={mode} done={mine} queueHref={queueHref} onDone={onCompleted} />
      </div>
      {doc.status === 'excluded' ? <ErrorMessage error="This document is excluded from the project and cannot be labeled." /> : null}
      <div class="workspace-grid">
        <div class="workspace-text">
          {doc.text !== null ? (
            <TextView
              text={text}
              blocks={blocks}
              marks={drawnMarks(visible, project.labelSet)}
              selectedId={selectedId}
              viewRef={viewRef}
              onMarkClick={(lid) => setSelectedId(lid)}
              onKeyDown={(e) => {
                if (onKey(e)) e.preventDefault();
              }}
            />
          ) : null}
          {doc.data !== null && doc.data !== undefined ? (
            <details class="panel" open={doc.text === null}>
              <summary>Row data</summary>
              <pre class="code">{JSON.stringify(doc.data, null, 2)}</pre>
            </details>
          ) : null}
        </div>
        <LabelPanel
          mode={mode}
          labelSet={project.labelSet}
          text={doc.text}
          hasRow={doc.data !== null && doc.data !== undefined}
          pending={pending}
          labels={visible}
          selected={selected}
          memberName={memberName}
          update={state}
          onApply={(item, type) => void apply(item, type)}
          onSelect={setSelectedId}
          onChange={change}
          onDelete={(l) => void remove(l)}
          onAccept={(l) => void upsert({ id: l.id })}
        />
      </div>
    </section>
  );
}
