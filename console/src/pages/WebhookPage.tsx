import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import { ConfirmButton } from '../components/ConfirmButton.tsx';
import { DeliveryCharts } from '../components/DeliveryCharts.tsx';
import { DeliveryLog } from '../components/DeliveryLog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { HeadersTable } from '../components/HeadersTable.tsx';
import { Loading } from '../components/Loading.tsx';
import { ReplayPanel } from '../components/ReplayPanel.tsx';
import { SecretPanel } from '../components/SecretPanel.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { TestEventPanel } from '../components/TestEventPanel.tsx';
import { formatTime } from '../format.ts';
import { useAsync } from '../hooks/use-async.ts';
import { href, navigate } from '../router.ts';

/** One webhook: its settings, enable/disable, delete, secret, test, charts, replay and delivery log. */
export function WebhookPage({ id, query }: { id: string; query: URLSearchParams }) {
  const { api, me } = useSession();
  const webhook = useAsync(() => api.getWebhook(id), [api, id]);
  const projectId = webhook.data?.projectId ?? null;
  const project = useAsync(() => (projectId ? api.getProject(projectId).catch(() => null) : Promise.resolve(null)), [api, projectId]);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [logKey, setLogKey] = useState(0);
  const admin = me.member.role === 'admin';
  const w = webhook.data;

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await fn();
    } catch (err) {
      setActionError(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return (
    <section>
      <p class="crumbs">
        <a href={href('/webhooks')}>Webhooks</a> /
      </p>
      {webhook.error ? <ErrorMessage error={webhook.error} onRetry={webhook.reload} /> : null}
      {webhook.loading && !w ? <Loading label="Loading the webhook" /> : null}
      {w ? (
        <>
          <div class="title-row">
            <h1 class="url-title">{w.url}</h1>
            <StatusBadge status={w.enabled ? 'enabled' : 'disabled'} />
          </div>
          {w.description ? <p>{w.description}</p> : null}
          {!w.enabled && w.disabledReason ? (
            <p class="notice" role="status">
              Disabled by labelhook: {w.disabledReason}
            </p>
          ) : null}
          {admin ? (
            <div class="actions">
              <a class="button secondary" href={href(`/webhooks/${id}/edit`)}>
                Edit
              </a>
              <button type="button" class="secondary" onClick={() => act(async () => { await api.updateWebhook(id, { enabled: !w.enabled }); webhook.reload(); })}>
                {w.enabled ? 'Disable' : 'Enable'}
              </button>
              <ConfirmButton
                danger
                label="Delete"
                question="Delete this webhook and its delivery log?"
                confirmLabel="Delete webhook"
                onConfirm={() => act(async () => { await api.deleteWebhook(id); navigate('/webhooks'); })}
              />
            </div>
          ) : null}
          {actionError ? <ErrorMessage error={actionError} /> : null}
          <dl class="facts">
            <div>
              <dt>Scope</dt>
              <dd>{w.projectId ? <a href={href(`/projects/${w.projectId}`)}>Project {project.data?.name ?? w.projectId}</a> : 'Whole team'}</dd>
            </div>
            <div>
              <dt>Format</dt>
              <dd>
                {w.format}
                {w.sendPayload ? '' : ' (ids only)'}
              </dd>
            </div>
            <div>
              <dt>Events</dt>
              <dd class="events-cell">{w.events.includes('*') ? 'All events' : w.events.join(', ')}</dd>
            </div>
            <div>
              <dt>Batching</dt>
              <dd>{w.batch ? `up to ${w.batch.maxSize} records or ${w.batch.maxWaitMs} ms` : 'off'}</dd>
            </div>
            <div>
              <dt>Ordered</dt>
              <dd>{w.ordered ? 'yes, per project' : 'no'}</dd>
            </div>
            <div>
              <dt>Gate</dt>
              <dd>{w.blocking ? `blocking, fails ${w.failMode}` : 'not blocking'}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatTime(w.createdAt)}</dd>
            </div>
            <div>
              <dt>Id</dt>
              <dd>
                <code>{w.id}</code>
              </dd>
            </div>
          </dl>
          {Object.keys(w.headers ?? {}).length ? (
            <details>
              <summary>Custom headers</summary>
              <HeadersTable headers={w.headers} caption="Custom headers" />
            </details>
          ) : null}
          <TestEventPanel webhookId={id} onSent={() => setLogKey(logKey + 1)} />
          <div class="panels">
            <SecretPanel webhookId={id} canManage={admin} />
            {admin ? <ReplayPanel webhookId={id} onReplayed={() => setLogKey(logKey + 1)} /> : null}
          </div>
          <DeliveryCharts webhookId={id} />
          <h2>Deliveries</h2>
          <DeliveryLog key={logKey} webhookId={id} initial={{ status: query.get('status') ?? '', eventType: query.get('eventType') ?? '' }} />
        </>
      ) : null}
    </section>
  );
}
