import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { EventItem } from '../api/types.ts';
import { formatTime } from '../format.ts';
import { useAsync } from '../hooks/use-async.ts';
import { ofProject, useLiveReload } from '../hooks/use-live.ts';
import { CodeBlock } from './CodeBlock.tsx';
import { EmptyState } from './EmptyState.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Loading } from './Loading.tsx';

function EventRow({ event }: { event: EventItem }) {
  const [open, setOpen] = useState(false);
  return (
    <li class="event">
      <button type="button" class="row-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <code class="event-type">{event.type}</code>
        <span class="dim">{formatTime(event.timestamp)}</span>
        <span class="dim hide-narrow">{event.actor ? event.actor.email : 'system'}</span>
      </button>
      {open ? <CodeBlock label={`Event ${event.id}`} body={JSON.stringify(event)} /> : null}
    </li>
  );
}

/** The events a project emitted, newest first, each expandable to its full envelope. */
export function EventList({ projectId }: { projectId: string }) {
  const { api } = useSession();
  const events = useAsync(() => api.listEvents({ projectId, limit: 100, order: 'desc' }), [api, projectId]);
  useLiveReload(ofProject(projectId), events.reload);
  if (events.error) return <ErrorMessage error={events.error} onRetry={events.reload} />;
  if (events.loading && !events.data) return <Loading label="Loading events" />;
  const list = events.data?.data ?? [];
  if (list.length === 0) return <EmptyState title="No events for this project yet" />;
  const sorted = [...list].sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  return <ul class="events">{sorted.map((e) => <EventRow key={e.id} event={e} />)}</ul>;
}
