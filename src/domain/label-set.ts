import { ValidationError } from '../errors.js';
import type { ProjectRef } from '../events/event.js';

export type LabelSetItem = ProjectRef['labelSet'][number];

/** A label set item as a client sends it; `color` may be left out. */
export interface LabelSetItemInput {
  id: string;
  label: string;
  color?: string | null;
}

/**
 * Checks and normalises a label set: ids and labels trimmed and non-blank, ids unique, `color` null when absent.
 * Throws ValidationError `label_set_invalid` listing every problem, so a client fixes them in one go.
 */
export function normalizeLabelSet(items: LabelSetItemInput[]): LabelSetItem[] {
  const problems: { index: number; field: string; message: string }[] = [];
  const seen = new Map<string, number>();
  const out = items.map((item, index) => {
    const id = item.id.trim();
    const label = item.label.trim();
    if (!id) problems.push({ index, field: 'id', message: 'must not be blank' });
    if (!label) problems.push({ index, field: 'label', message: 'must not be blank' });
    const first = seen.get(id);
    if (id && first !== undefined) problems.push({ index, field: 'id', message: `duplicates the id "${id}" of item ${first}` });
    else seen.set(id, index);
    const color = item.color?.trim() || null;
    return { id, label, color };
  });
  if (problems.length > 0) throw new ValidationError('The label set is invalid.', { problems }, 'label_set_invalid');
  return out;
}

/** Tags trimmed, blank ones refused, duplicates dropped (first occurrence wins). */
export function normalizeTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const t = raw.trim();
    if (!t) throw new ValidationError('Tags must not be blank.', { field: 'tags' }, 'tags_invalid');
    if (!out.includes(t)) out.push(t);
  }
  return out;
}
