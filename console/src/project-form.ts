import type { Project, ProjectInput } from './api/types.ts';

/** One row of the label set editor. `color` is '' for "no colour" (the API stores null). */
export interface LabelRow {
  id: string;
  label: string;
  color: string;
}

/** The project form's fields as typed. Tags are one comma-separated line. */
export interface ProjectFormState {
  name: string;
  tags: string;
  labelSet: LabelRow[];
}

export const EMPTY_PROJECT_FORM: ProjectFormState = { name: '', tags: '', labelSet: [{ id: '', label: '', color: '' }] };

/** The form filled from a saved project. */
export function fromProject(p: Project): ProjectFormState {
  return { name: p.name, tags: p.tags.join(', '), labelSet: p.labelSet.map((l) => ({ id: l.id, label: l.label, color: l.color ?? '' })) };
}

/** A label id made from its name (lower case, dashes), for rows whose id the admin left blank. */
export function idFromLabel(label: string): string {
  return label.trim().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 200);
}

const rowIsEmpty = (r: LabelRow) => !r.id.trim() && !r.label.trim();

/**
 * Checks the form with the API's rules (docs/api.md, Projects): name 1–500 characters and not blank, at most 100
 * tags of 1–100 characters, label ids 1–200 and labels 1–500 characters, non-blank, ids unique. Answers
 * messages by field (`name`, `tags`, `label-<i>-id`, `label-<i>-label`); empty when the form may be sent.
 */
export function validateProjectForm(f: ProjectFormState): Record<string, string> {
  const errors: Record<string, string> = {};
  const name = f.name.trim();
  if (!name) errors.name = 'Give the project a name.';
  else if (f.name.length > 500) errors.name = 'The name may have at most 500 characters.';
  const tags = splitTags(f.tags);
  if (tags.length > 100) errors.tags = 'At most 100 tags.';
  else if (tags.some((t) => t.length > 100)) errors.tags = 'Each tag may have at most 100 characters.';
  const seen = new Map<string, number>();
  f.labelSet.forEach((r, i) => {
    if (rowIsEmpty(r)) return;
    const id = (r.id.trim() || idFromLabel(r.label)).trim();
    if (!r.label.trim()) errors[`label-${i}-label`] = 'The label needs a name.';
    else if (r.label.length > 500) errors[`label-${i}-label`] = 'At most 500 characters.';
    if (!id) errors[`label-${i}-id`] = 'The label needs an id.';
    else if (id.length > 200) errors[`label-${i}-id`] = 'At most 200 characters.';
    else if (seen.has(id)) errors[`label-${i}-id`] = `The id "${id}" is already used by label ${seen.get(id)! + 1}.`;
    else seen.set(id, i);
  });
  if (f.labelSet.filter((r) => !rowIsEmpty(r)).length > 1000) errors.labelSet = 'At most 1000 labels.';
  return errors;
}

function splitTags(line: string): string[] {
  return line
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The request body of a valid form; blank label rows are left out. */
export function toProjectInput(f: ProjectFormState): ProjectInput {
  return {
    name: f.name.trim(),
    tags: [...new Set(splitTags(f.tags))],
    labelSet: f.labelSet
      .filter((r) => !rowIsEmpty(r))
      .map((r) => ({ id: r.id.trim() || idFromLabel(r.label), label: r.label.trim(), color: r.color || null })),
  };
}

/** The API's refusal to remove label set items still in use, as one sentence per item with its label count. */
export function inUseMessage(details: unknown, labelOf: (id: string) => string): string | null {
  const items = (details as { items?: { id: string; labelCount: number }[] } | null)?.items;
  if (!items?.length) return null;
  return items.map((i) => `“${labelOf(i.id)}” is used by ${i.labelCount} label${i.labelCount === 1 ? '' : 's'}`).join('; ');
}
