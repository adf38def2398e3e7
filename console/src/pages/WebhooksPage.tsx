import { useSession } from '../api/context.ts';
import type { WebhookHealth } from '../api/types.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Loading } from '../components/Loading.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useAsync } from '../hooks/use-async.ts';
import { href } from '../router.ts';

function rateText(h: WebhookHealth | undefined): string {
  if (!h || h.total === 0 || h.successRate === null) return 'no attempts';
  return `${Math.round(h.successRate * 1000) / 10}% of ${h.total}`;
}

/** Every webhook of the team: URL, scope, format, events, enabled and its success rate over the last day. */
export function WebhooksPage() {
  const { api, me } = useSession();
  const webhooks = useAsync(() => api.listWebhooks({ limit: 500 }), [api]);
  const health = useAsync(() => api.webhookHealth().catch(() => ({ data: [] as WebhookHealth[] })), [api]);
  const projects = useAsync(() => api.listProjects({ limit: 1000 }).catch(() => ({ data: [], nextCursor: null })), [api]);
  const projectName = (id: string) => projects.data?.data.find((p) => p.id === id)?.name ?? id;
  const healthOf = (id: string) => health.data?.data.find((h) => h.webhookId === id);
  return (
    <section>
      <div class="title-row">
        <h1>Webhooks</h1>
        {me.member.role === 'admin' ? (
          <a class="button" href={href('/webhooks/new')}>
            New webhook
          </a>
        ) : null}
      </div>
      {webhooks.error ? <ErrorMessage error={webhooks.error} onRetry={webhooks.reload} /> : null}
      {webhooks.loading && !webhooks.data ? <Loading label="Loading webhooks" /> : null}
      {webhooks.data && webhooks.data.data.length === 0 ? (
        <EmptyState title="No webhooks yet">
          A webhook sends your team's events (documents imported, labels applied, projects completed…) to a URL of yours.{' '}
          {me.member.role === 'admin' ? <a href={href('/webhooks/new')}>Create the first one</a> : 'Ask a team admin to create one.'}
        </EmptyState>
      ) : null}
      {webhooks.data && webhooks.data.data.length > 0 ? (
        <div class="table-wrap">
          <table class="list webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col" class="hide-narrow">Scope</th>
                <th scope="col" class="hide-narrow">Format</th>
                <th scope="col" class="hide-narrow">Events</th>
                <th scope="col">State</th>
                <th scope="col">Success (24 h)</th>
              </tr>
            </thead>
            <tbody>
              {webhooks.data.data.map((w) => (
                <tr key={w.id}>
                  <td class="url-cell">
                    <a href={href(`/webhooks/${w.id}`)}>{w.url}</a>
                    {w.description ? <div class="dim">{w.description}</div> : null}
                  </td>
                  <td class="hide-narrow">{w.projectId ? `Project ${projectName(w.projectId)}` : 'Whole team'}</td>
                  <td class="hide-narrow">{w.format}</td>
                  <td class="hide-narrow events-cell">{w.events.includes('*') ? 'All events' : w.events.join(', ')}</td>
                  <td>
                    <StatusBadge status={w.enabled ? 'enabled' : 'disabled'} />
                    {w.secretUnreadable ? (
                      <div class="dim" data-testid="secret-unreadable">
                        Secret unreadable: rotate it
                      </div>
                    ) : null}
                  </td>
                  <td>{rateText(healthOf(w.id))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
