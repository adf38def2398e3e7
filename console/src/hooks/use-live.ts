import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveEvent, LiveEvents, LiveStatus } from '../live/live-events.ts';

export const LiveContext = createContext<LiveEvents | null>(null);

const SETTLE_MS = 150;

/**
 * Runs `reload` after events that `matches` accepts, so a page shows changes made elsewhere without a reload.
 * A burst of events (one label update emits several) causes one reload.
 */
export function useLiveReload(matches: (e: LiveEvent) => boolean, reload: () => void): void {
  const live = useContext(LiveContext);
  const saved = useRef({ matches, reload });
  saved.current = { matches, reload };
  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = live.subscribe((e) => {
      if (!saved.current.matches(e)) return;
      clearTimeout(timer);
      timer = setTimeout(() => saved.current.reload(), SETTLE_MS);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [live]);
}

/** The state of the console's event stream connection. */
export function useLiveStatus(): LiveStatus {
  const live = useContext(LiveContext);
  const [status, setStatus] = useState<LiveStatus>(live?.status ?? 'offline');
  useEffect(() => (live ? live.onStatus(setStatus) : undefined), [live]);
  return status;
}

/** Events of one project. */
export const ofProject = (projectId: string) => (e: LiveEvent) => e.project?.id === projectId;

/** Whether an event is about document `id` (its `document`, or one of its `documents`). */
export function mentionsDocument(e: LiveEvent, id: string): boolean {
  if ((e.data.document as { id?: string } | undefined)?.id === id) return true;
  return ((e.data.documents as { id: string }[] | undefined) ?? []).some((d) => d.id === id);
}

/** Events that change a project's documents or their completion (imports, removals, completions, reviews). */
export const touchesDocuments = (e: LiveEvent) => e.type.startsWith('TASK');
