import type { StoredEvent } from '../../events/event.js';

interface NamedRef {
  name?: string;
  key?: string | null;
  id?: string;
}

const docName = (d: NamedRef | undefined): string => (d ? `"${d.name || d.key || d.id}"` : 'a document');
const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line saying what an event is about, for `labelhook listen` (defensive: only reads what it needs). */
export function summarizeEvent(event: StoredEvent): string {
  const d = event.data as Record<string, unknown>;
  const labels = d.labelUpdateList as { toUpsertList?: unknown[]; toDeleteList?: unknown[] } | undefined;
  const change = labels ? ` (+${labels.toUpsertList?.length ?? 0} −${labels.toDeleteList?.length ?? 0} labels)` : '';
  const docs = Array.isArray(d.documents) ? d.documents.length : 0;
  const n = typeof d.count === 'number' ? d.count : docs;
  let what: string;
  switch (event.type) {
    case 'PROJECT_CREATED':
      what = 'project created';
      break;
    case 'PROJECT_UPDATED':
      what = `project updated: ${Array.isArray(d.changed) && d.changed.length > 0 ? d.changed.join(', ') : 'settings'}`;
      break;
    case 'PROJECT_DELETED':
      what = `project deleted with ${count(Number(d.documentCount ?? 0), 'document')}`;
      break;
    case 'TASKS_CREATED':
      what = `${count(n, 'document')} imported`;
      break;
    case 'TASKS_DELETED':
      what = `${count(n, 'document')} deleted`;
      break;
    case 'TASKS_EXCLUDED':
      what = `${count(n, 'document')} excluded`;
      break;
    case 'TASKS_UPDATED':
      what = `${count(n, 'document')} overwritten`;
      break;
    case 'BEFORE_UPDATE_LABELS':
      what = `label update about to apply on ${docName(d.document as NamedRef)}${change}`;
      break;
    case 'ANNOTATION_CREATED':
    case 'ANNOTATION_UPDATED': {
      const annotation = d.annotation as { labels?: unknown[] } | undefined;
      what = `${docName(d.document as NamedRef)} now has ${count(annotation?.labels?.length ?? 0, 'label')}${change}`;
      break;
    }
    case 'ANNOTATIONS_DELETED':
      what = `${count(Array.isArray(d.annotations) ? d.annotations.length : 0, 'annotation')} deleted on ${docName(d.document as NamedRef)}`;
      break;
    case 'TASK_COMPLETED':
      what = `${docName(d.document as NamedRef)} completed`;
      break;
    case 'TASK_REVIEWED':
      what = `${docName(d.document as NamedRef)} reviewed`;
      break;
    case 'PROJECT_COMPLETED':
      what = 'project completed by the labelers';
      break;
    case 'PROJECT_REVIEWED':
      what = 'project reviewed';
      break;
    case 'PING':
      what = typeof d.message === 'string' ? d.message : 'ping';
      break;
    case 'EXPORT_COMPLETED': {
      const e = d.export as { format?: string; documentCount?: number } | undefined;
      what = `${e?.format ?? ''} export ready: ${count(e?.documentCount ?? 0, 'document')}`;
      break;
    }
    case 'EXPORT_FAILED':
      what = 'export failed';
      break;
    default:
      what = 'event';
  }
  return event.actor ? `${what} by ${event.actor.email}` : what;
}

/** Where an event happened: `"Project" (prj_…)` or `team`. */
export function eventPlace(event: StoredEvent): string {
  return event.project ? `"${event.project.name}" (${event.project.id})` : 'team';
}
