import { expect } from 'vitest';

// Label Studio 1.22's webhook objects, transcribed field by field from its serializers (ModelSerializer with
// fields='__all__': foreign keys are integer ids, datetimes ISO 8601). A value type per key: `|` lists the types a
// key may take. The label-studio dialect must send exactly these keys, each with one of these types.

type Spec = Record<string, string>;

export const LS_PROJECT: Spec = {
  id: 'integer',
  task_number: 'integer',
  finished_task_number: 'integer',
  total_predictions_number: 'integer',
  total_annotations_number: 'integer',
  num_tasks_with_annotations: 'integer',
  useful_annotation_number: 'integer',
  ground_truth_number: 'integer',
  skipped_annotations_number: 'integer',
  title: 'string|null',
  description: 'string|null',
  label_config: 'string|null',
  parsed_label_config: 'object|null',
  label_config_hash: 'integer|null',
  expert_instruction: 'string|null',
  show_instruction: 'boolean',
  show_skip_button: 'boolean',
  enable_empty_annotation: 'boolean',
  reveal_preannotations_interactively: 'boolean',
  show_annotation_history: 'boolean',
  show_collab_predictions: 'boolean',
  evaluate_predictions_automatically: 'boolean',
  // Secrets: Label Studio sends a string; labelhook always sends null.
  token: 'null',
  result_count: 'integer',
  color: 'string|null',
  maximum_annotations: 'integer',
  min_annotations_to_start_training: 'integer',
  control_weights: 'object|null',
  model_version: 'string|null',
  data_types: 'object|null',
  is_draft: 'boolean',
  is_published: 'boolean',
  created_at: 'datetime',
  updated_at: 'datetime',
  sampling: 'string|null',
  skip_queue: 'string|null',
  show_ground_truth_first: 'boolean',
  show_overlap_first: 'boolean',
  overlap_cohort_percentage: 'integer',
  task_data_login: 'null',
  task_data_password: 'null',
  pinned_at: 'datetime|null',
  custom_task_lock_ttl: 'integer|null',
  deleted_at: 'datetime|null',
  purge_at: 'datetime|null',
  search_vector: 'string|null',
  organization: 'integer',
  created_by: 'integer|null',
  deleted_by: 'integer|null',
};

export const LS_TASK: Spec = {
  id: 'integer',
  data: 'object',
  meta: 'object|null',
  created_at: 'datetime',
  updated_at: 'datetime',
  is_labeled: 'boolean',
  allow_skip: 'boolean|null',
  overlap: 'integer',
  inner_id: 'integer|null',
  total_annotations: 'integer',
  cancelled_annotations: 'integer',
  total_predictions: 'integer',
  precomputed_agreement: 'number|null',
  comment_count: 'integer',
  unresolved_comment_count: 'integer',
  last_comment_updated_at: 'datetime|null',
  project: 'integer',
  updated_by: 'integer|null',
  file_upload: 'integer|null',
  comment_authors: 'array',
};

export const LS_ANNOTATION: Spec = {
  id: 'integer',
  result: 'array',
  was_cancelled: 'boolean',
  ground_truth: 'boolean',
  created_at: 'datetime',
  updated_at: 'datetime',
  draft_created_at: 'datetime|null',
  lead_time: 'number|null',
  prediction: 'object|null',
  result_count: 'integer',
  unique_id: 'string',
  import_id: 'integer|null',
  last_action: 'string|null',
  bulk_created: 'boolean|null',
  task: 'integer',
  project: 'integer',
  completed_by: 'integer',
  updated_by: 'integer|null',
  parent_prediction: 'integer|null',
  parent_annotation: 'integer|null',
  last_created_by: 'integer|null',
};

/** Label Studio's top-level keys per action (webhooks/models.py ACTIONS); ONLY_ID marks `{id}` lists. */
export const LS_ACTION_KEYS: Record<string, string[]> = {
  PROJECT_CREATED: ['action', 'project'],
  PROJECT_UPDATED: ['action', 'project'],
  PROJECT_DELETED: ['action', 'project'],
  TASKS_CREATED: ['action', 'tasks', 'project'],
  TASKS_DELETED: ['action', 'tasks', 'project'],
  ANNOTATION_CREATED: ['action', 'annotation', 'project', 'task'],
  ANNOTATIONS_CREATED: ['action', 'annotation', 'project', 'task'],
  ANNOTATION_UPDATED: ['action', 'annotation', 'project', 'task'],
  ANNOTATIONS_DELETED: ['action', 'annotations', 'project'],
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) return 'datetime';
  return typeof v;
}

function matches(v: unknown, spec: string): boolean {
  const t = typeOf(v);
  // A datetime is also a string; an integer is also a number.
  return spec.split('|').some((s) => s === t || (s === 'string' && t === 'datetime') || (s === 'number' && t === 'integer'));
}

/** Asserts `obj` has exactly the spec's keys, each of an allowed type; answers the keys whose type is wrong. */
export function expectLabelStudioShape(obj: unknown, spec: Spec, what: string): void {
  expect(typeOf(obj), what).toBe('object');
  const o = obj as Record<string, unknown>;
  expect(Object.keys(o).sort(), `${what} keys`).toEqual(Object.keys(spec).sort());
  const wrong = Object.entries(spec)
    .filter(([k, s]) => !matches(o[k], s))
    .map(([k, s]) => `${k}: ${JSON.stringify(o[k])} is not ${s}`);
  expect(wrong, `${what} value types`).toEqual([]);
}
