import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { useSession } from '../api/context.ts';
import type { LabelMode, Project } from '../api/types.ts';
import { canCompleteProject, canReview } from '../roles.ts';
import { ConfirmButton } from './ConfirmButton.tsx';

function useAction() {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setMessage({ ok: true, text: done });
    } catch (err) {
      setMessage({ ok: false, text: err instanceof ApiError || err instanceof Error ? err.message : String(err) });
    }
  };
  const shown = message ? (
    <p class={message.ok ? 'notice' : 'error'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  ) : null;
  return { run, shown };
}

/** "Mark document complete" (labeler mode) or "Mark document reviewed" (reviewer mode), after a confirmation. */
export function DocumentCompleteButton(props: { documentId: string; mode: LabelMode; done: boolean; queueHref: string; onDone: () => void }) {
  const { api } = useSession();
  const { run, shown } = useAction();
  const what = props.mode === 'reviewer' ? 'reviewed' : 'complete';
  return (
    <div class="completion">
      {props.done ? (
        <p class="dim">
          You marked this document {what}. <a href={props.queueHref}>Back to the queue</a>
        </p>
      ) : (
        <ConfirmButton
          label={`Mark document ${what}`}
          question={`Mark this document ${what}? This cannot be undone.`}
          confirmLabel={`Yes, mark ${what}`}
          onConfirm={() => run(() => api.completeDocument(props.documentId, props.mode).then(props.onDone), `Document marked ${what}.`)}
        />
      )}
      {shown}
    </div>
  );
}

/** "Mark project complete" (labeler mode) or "Mark project reviewed" (reviewer mode), for the roles that may. */
export function ProjectCompleteButton(props: { project: Project; mode: LabelMode; onDone: () => void }) {
  const { api, me } = useSession();
  const { run, shown } = useAction();
  const reviewer = props.mode === 'reviewer';
  if (reviewer ? !canReview(me.member.role) : !canCompleteProject(me.member.role)) return null;
  const what = reviewer ? 'reviewed' : 'complete';
  const reached = reviewer ? props.project.status === 'REVIEWED' : props.project.status === 'COMPLETED' || props.project.status === 'REVIEWED';
  return (
    <div class="completion">
      {reached ? (
        <p class="dim">The project is marked {what}.</p>
      ) : (
        <ConfirmButton
          label={`Mark project ${what}`}
          question={`Mark the whole project ${what}? This cannot be undone.`}
          confirmLabel={`Yes, mark project ${what}`}
          onConfirm={() => run(() => api.completeProject(props.project.id, props.mode).then(props.onDone), `Project marked ${what}.`)}
        />
      )}
      {shown}
    </div>
  );
}
