import { useEffect, useId, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { useSession } from '../api/context.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { EventChecklist } from '../components/EventChecklist.tsx';
import { FormatSample } from '../components/FormatSample.tsx';
import { HeadersEditor } from '../components/HeadersEditor.tsx';
import { Loading } from '../components/Loading.tsx';
import { EVENT_TYPES, FORMATS } from '../event-catalog.ts';
import { useAsync } from '../hooks/use-async.ts';
import { href, navigate } from '../router.ts';
import { EMPTY_FORM, fromWebhook, toInput, validateWebhookForm, type FormState } from '../webhook-form.ts';

/** Create or edit a webhook with every option of docs/webhooks.md, showing a sample body in the chosen format. */
export function WebhookFormPage({ id }: { id?: string }) {
  const { api } = useSession();
  const creating = id === undefined;
  const uid = useId();
  const existing = useAsync(() => (id ? api.getWebhook(id) : Promise.resolve(null)), [api, id]);
  const projects = useAsync(() => api.listProjects({ limit: 1000 }), [api]);
  const [form, setForm] = useState<FormState | null>(creating ? EMPTY_FORM : null);
  const [sampleEvent, setSampleEvent] = useState<string>('PROJECT_CREATED');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<ApiError | Error | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!creating && existing.data && !form) setForm(fromWebhook(existing.data));
  }, [existing.data]);

  if (!creating && existing.error) return <ErrorMessage error={existing.error} onRetry={existing.reload} />;
  if (!form) return <Loading label="Loading the webhook" />;

  const set = (patch: Partial<FormState>) => setForm({ ...form, ...patch });
  const subscribed = form.events.includes('*') ? [...EVENT_TYPES] : EVENT_TYPES.filter((t) => form.events.includes(t));
  const shownSample = subscribed.includes(sampleEvent as (typeof EVENT_TYPES)[number]) ? sampleEvent : (subscribed[0] ?? 'PING');
  const fieldId = (name: string) => `${uid}-${name}`;
  const err = (name: string) =>
    errors[name] ? (
      <p class="field-error" id={fieldId(`${name}-error`)} role="alert">
        {errors[name]}
      </p>
    ) : null;
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': 'true' as const, 'aria-describedby': fieldId(`${name}-error`) } : {});

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validateWebhookForm(form);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length) return;
    setSaving(true);
    try {
      const saved = creating ? await api.createWebhook(toInput(form, true)) : await api.updateWebhook(id!, toInput(form, false));
      navigate(`/webhooks/${saved.id}`);
    } catch (error) {
      setServerError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section>
      <p class="crumbs">
        <a href={href('/webhooks')}>Webhooks</a> /{' '}
        {id ? (
          <>
            <a href={href(`/webhooks/${id}`)}>{existing.data?.url ?? id}</a> /
          </>
        ) : null}
      </p>
      <h1>{creating ? 'New webhook' : 'Edit webhook'}</h1>
      <form class="webhook-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={fieldId('url')}>Endpoint URL</label>
          <input id={fieldId('url')} name="url" type="url" required placeholder="https://example.com/labelhook" value={form.url} onInput={(e) => set({ url: e.currentTarget.value })} {...invalid('url')} />
          {err('url')}
        </div>
        <div class="field">
          <label for={fieldId('description')}>Description</label>
          <input id={fieldId('description')} name="description" value={form.description} onInput={(e) => set({ description: e.currentTarget.value })} />
        </div>

        <fieldset>
          <legend>Scope</legend>
          <label class="check">
            <input type="radio" name="scope" value="team" checked={form.scope === 'team'} onChange={() => set({ scope: 'team' })} />
            Whole team (every project, present and future)
          </label>
          <label class="check">
            <input type="radio" name="scope" value="project" checked={form.scope === 'project'} onChange={() => set({ scope: 'project' })} />
            One project
          </label>
          {form.scope === 'project' ? (
            <div class="field">
              <label for={fieldId('projectId')}>Project</label>
              {projects.error ? <ErrorMessage error={projects.error} onRetry={projects.reload} /> : null}
              <select id={fieldId('projectId')} value={form.projectId} onChange={(e) => set({ projectId: e.currentTarget.value })} {...invalid('projectId')}>
                <option value="">Choose a project…</option>
                {(projects.data?.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              {err('projectId')}
            </div>
          ) : null}
        </fieldset>

        <EventChecklist value={form.events} onChange={(events) => set({ events })} />
        {err('events')}

        <fieldset>
          <legend>Payload format</legend>
          <div class="format-grid">
            <div>
              {FORMATS.map((f) => (
                <label key={f.value} class="check">
                  <input type="radio" name="format" value={f.value} checked={form.format === f.value} onChange={() => set({ format: f.value })} />
                  <span>
                    {f.label} <span class="dim small">— {f.hint}</span>
                  </span>
                </label>
              ))}
              <label class="check">
                <input type="checkbox" name="sendPayload" checked={form.sendPayload} onChange={(e) => set({ sendPayload: e.currentTarget.checked })} />
                Send the full payload (off: only the event type and ids)
              </label>
              <div class="field">
                <label for={fieldId('sample')}>Sample event</label>
                <select id={fieldId('sample')} value={shownSample} onChange={(e) => setSampleEvent(e.currentTarget.value)}>
                  {(subscribed.length ? subscribed : EVENT_TYPES).map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <FormatSample format={form.format} eventType={shownSample} sendPayload={form.sendPayload} />
          </div>
        </fieldset>

        <HeadersEditor
          rows={form.headers}
          onChange={(headers) => set({ headers, headersTouched: true })}
          note={!creating && !form.headersTouched && form.headers.length ? 'Saved values are hidden. Leave the rows untouched to keep them; editing any row replaces all headers, so re-enter every value.' : undefined}
        />
        {err('headers')}

        <fieldset>
          <legend>Delivery</legend>
          <label class="check">
            <input type="checkbox" name="batching" checked={form.batching} onChange={(e) => set({ batching: e.currentTarget.checked })} />
            Batch events into one request
          </label>
          {form.batching ? (
            <div class="inline-fields">
              <div class="field">
                <label for={fieldId('maxSize')}>Records per request (max)</label>
                <input id={fieldId('maxSize')} inputMode="numeric" value={form.maxSize} onInput={(e) => set({ maxSize: e.currentTarget.value })} {...invalid('maxSize')} />
                {err('maxSize')}
              </div>
              <div class="field">
                <label for={fieldId('maxWaitMs')}>Wait at most (ms)</label>
                <input id={fieldId('maxWaitMs')} inputMode="numeric" value={form.maxWaitMs} onInput={(e) => set({ maxWaitMs: e.currentTarget.value })} {...invalid('maxWaitMs')} />
                {err('maxWaitMs')}
              </div>
            </div>
          ) : form.format === 'labelator' ? (
            <p class="dim small">The Labelator format batches 100 records per request by default.</p>
          ) : null}
          <div class="field">
            <label for={fieldId('maxBodyBytes')}>Largest request body (bytes)</label>
            <input id={fieldId('maxBodyBytes')} inputMode="numeric" value={form.maxBodyBytes} onInput={(e) => set({ maxBodyBytes: e.currentTarget.value })} {...invalid('maxBodyBytes')} />
            <p class="dim small">What the receiver accepts (Express: 102400, Fastify: 1048576). Larger events are sent in parts.</p>
            {err('maxBodyBytes')}
          </div>
          <label class="check">
            <input type="checkbox" name="ordered" checked={form.ordered} onChange={(e) => set({ ordered: e.currentTarget.checked })} />
            Ordered: deliver each project's events strictly in order (one in flight at a time)
          </label>
          <label class="check">
            <input type="checkbox" name="blocking" checked={form.blocking} onChange={(e) => set({ blocking: e.currentTarget.checked })} {...invalid('blocking')} />
            Blocking gate: label updates wait for this endpoint's answer to BEFORE_UPDATE_LABELS
          </label>
          {err('blocking')}
          {form.blocking ? (
            <fieldset class="nested">
              <legend>When the gate times out or answers 5xx</legend>
              <label class="check">
                <input type="radio" name="failMode" value="open" checked={form.failMode === 'open'} onChange={() => set({ failMode: 'open' })} />
                Fail open: let the label update through
              </label>
              <label class="check">
                <input type="radio" name="failMode" value="closed" checked={form.failMode === 'closed'} onChange={() => set({ failMode: 'closed' })} />
                Fail closed: reject the label update
              </label>
            </fieldset>
          ) : null}
          <label class="check">
            <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            Enabled
          </label>
        </fieldset>

        {creating ? (
          <div class="field">
            <label for={fieldId('secret')}>Signing secret (optional)</label>
            <input id={fieldId('secret')} name="secret" autoComplete="off" placeholder="Leave empty to generate a whsec_… secret" value={form.secret} onInput={(e) => set({ secret: e.currentTarget.value })} />
          </div>
        ) : null}

        {serverError ? <ErrorMessage error={serverError} /> : null}
        {serverError instanceof ApiError && serverError.details ? <pre class="code small">{JSON.stringify(serverError.details, null, 2)}</pre> : null}
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : creating ? 'Create webhook' : 'Save changes'}
          </button>
          <a class="button secondary" href={href(id ? `/webhooks/${id}` : '/webhooks')}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
