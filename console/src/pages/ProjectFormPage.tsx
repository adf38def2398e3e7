import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { useSession } from '../api/context.ts';
import type { Project } from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Loading } from '../components/Loading.tsx';
import { useAsync } from '../hooks/use-async.ts';
import { colorOf } from '../labeling/colors.ts';
import { EMPTY_PROJECT_FORM, fromProject, inUseMessage, toProjectInput, validateProjectForm, type LabelRow, type ProjectFormState } from '../project-form.ts';
import { href, navigate } from '../router.ts';

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <p id={id} class="field-error">
      {message}
    </p>
  ) : null;
}

function LabelRows(props: { rows: LabelRow[]; errors: Record<string, string>; onChange: (rows: LabelRow[]) => void }) {
  const { rows, errors } = props;
  const set = (i: number, patch: Partial<LabelRow>) => props.onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend>Label set</legend>
      <p class="dim small">Labels the labelers apply; the first nine get the keys 1–9. A blank id is made from the name.</p>
      {rows.map((r, i) => (
        <div class="label-row" key={i} role="group" aria-label={`Label ${i + 1}`}>
          <div class="field">
            <label for={`label-${i}-label`}>Label {i + 1} name</label>
            <input id={`label-${i}-label`} value={r.label} maxLength={500} aria-invalid={errors[`label-${i}-label`] ? 'true' : undefined} onInput={(e) => set(i, { label: e.currentTarget.value })} />
            <FieldError id={`label-${i}-label-error`} message={errors[`label-${i}-label`]} />
          </div>
          <div class="field">
            <label for={`label-${i}-id`}>Label {i + 1} id</label>
            <input id={`label-${i}-id`} value={r.id} maxLength={200} aria-invalid={errors[`label-${i}-id`] ? 'true' : undefined} onInput={(e) => set(i, { id: e.currentTarget.value })} />
            <FieldError id={`label-${i}-id-error`} message={errors[`label-${i}-id`]} />
          </div>
          <div class="field color-field">
            <label for={`label-${i}-color`}>Label {i + 1} colour</label>
            <input id={`label-${i}-color`} type="color" value={r.color || colorOf(undefined, i)} onInput={(e) => set(i, { color: e.currentTarget.value })} />
          </div>
          <button type="button" class="secondary" aria-label={`Remove label ${i + 1}`} onClick={() => props.onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <FieldError id="labelset-error" message={errors.labelSet} />
      <button type="button" class="secondary" onClick={() => props.onChange([...rows, { id: '', label: '', color: '' }])}>
        Add label
      </button>
    </fieldset>
  );
}

function Form({ project }: { project: Project | null }) {
  const { api } = useSession();
  const [form, setForm] = useState<ProjectFormState>(() => (project ? fromProject(project) : EMPTY_PROJECT_FORM));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setErrors({}), [form]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validateProjectForm(form);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const input = toProjectInput(form);
      const saved = project ? await api.updateProject(project.id, input) : await api.createProject(input);
      navigate(`/projects/${saved.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const used = err.code === 'label_set_item_in_use' ? inUseMessage(err.details, (id) => project?.labelSet.find((l) => l.id === id)?.label ?? id) : null;
        setServerError(used ? `${err.message} ${used}.` : err.message);
      } else setServerError(String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="project-form" onSubmit={submit} noValidate>
      {serverError ? <ErrorMessage error={serverError} /> : null}
      <div class="field">
        <label for="project-name">Name</label>
        <input id="project-name" value={form.name} maxLength={500} aria-invalid={errors.name ? 'true' : undefined} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        <FieldError id="project-name-error" message={errors.name} />
      </div>
      <div class="field">
        <label for="project-tags">Tags</label>
        <input id="project-tags" value={form.tags} placeholder="ner, support" aria-describedby="project-tags-help" onInput={(e) => setForm({ ...form, tags: e.currentTarget.value })} />
        <span id="project-tags-help" class="dim small">
          Separated by commas.
        </span>
        <FieldError id="project-tags-error" message={errors.tags} />
      </div>
      <LabelRows rows={form.labelSet} errors={errors} onChange={(labelSet) => setForm({ ...form, labelSet })} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {project ? 'Save project' : 'Create project'}
        </button>
        <a class="button secondary" href={href(project ? `/projects/${project.id}` : '/projects')}>
          Cancel
        </a>
      </div>
    </form>
  );
}

/** Create a project, or edit one (`id` given): name, tags and a label set with colours. Admins only. */
export function ProjectFormPage({ id }: { id?: string }) {
  const { api } = useSession();
  const project = useAsync(() => (id ? api.getProject(id) : Promise.resolve(null)), [api, id]);
  return (
    <section>
      <p class="crumbs">
        <a href={href('/projects')}>Projects</a> /
      </p>
      <h1>{id ? 'Edit project' : 'New project'}</h1>
      {project.error ? <ErrorMessage error={project.error} onRetry={project.reload} /> : null}
      {project.loading && project.data === undefined ? <Loading label="Loading the project" /> : null}
      {project.data !== undefined ? <Form project={project.data} /> : null}
    </section>
  );
}
