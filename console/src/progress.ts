import type { DocumentItem } from './api/types.ts';

/** How far a project is: active documents, how many any labeler completed, how many any reviewer reviewed. */
export interface Progress {
  total: number;
  completed: number;
  reviewed: number;
  excluded: number;
}

/** Progress counted from the project's documents and their completions. */
export function progressOf(docs: DocumentItem[]): Progress {
  const active = docs.filter((d) => d.status === 'active');
  const has = (d: DocumentItem, mode: 'labeler' | 'reviewer') => (d.completions ?? []).some((c) => c.mode === mode);
  return {
    total: active.length,
    completed: active.filter((d) => has(d, 'labeler')).length,
    reviewed: active.filter((d) => has(d, 'reviewer')).length,
    excluded: docs.length - active.length,
  };
}

/** The documents still open for `memberId` in `mode`: active and not yet completed (or reviewed) by them. */
export function queueOf<T extends DocumentItem>(docs: T[], memberId: string, mode: 'labeler' | 'reviewer'): T[] {
  return docs.filter((d) => d.status === 'active' && !(d.completions ?? []).some((c) => c.memberId === memberId && c.mode === mode));
}
