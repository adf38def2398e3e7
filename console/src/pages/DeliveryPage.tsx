import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import { AttemptView } from '../components/AttemptView.tsx';
import { CodeBlock } from '../components/CodeBlock.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Loading } from '../components/Loading.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatTime } from '../format.ts';
import { useAsync, useInterval } from '../hooks/use-async.ts';
import { href } from '../router.ts';

/** One delivery with every attempt's request and response, and Redeliver. */
export function DeliveryPage({ id }: { id: string }) {
  const { api, me } = useSession();
  const delivery = useAsync(() => api.getDelivery(id), [api, id]);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const d = delivery.data;
  // While a delivery is still moving, its page follows it.
  useInterval(() => {
    if (!delivery.loading && d && (d.status === 'pending' || d.status === 'delivering')) delivery.reload();
  }, 2000);
  const attempts = [...(d?.attempts ?? [])].reverse();
  return (
    <section>
      <p class="crumbs">
        <a href={href('/deliveries')}>Deliveries</a> /
        {d ? (
          <>
            {' '}
            <a href={href(`/webhooks/${d.webhookId}`)}>webhook</a> /
          </>
        ) : null}
      </p>
      {delivery.error ? <ErrorMessage error={delivery.error} onRetry={delivery.reload} /> : null}
      {delivery.loading && !d ? <Loading label="Loading the delivery" /> : null}
      {d ? (
        <>
          <div class="title-row">
            <h1>
              <code>{d.eventType}</code> delivery
            </h1>
            <StatusBadge status={d.status} />
          </div>
          <dl class="facts">
            <div>
              <dt>Delivery id</dt>
              <dd>
                <code>{d.id}</code>
              </dd>
            </div>
            {d.messageId ? (
              <div>
                <dt>webhook-id</dt>
                <dd>
                  <code>{d.messageId}</code>
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Attempts</dt>
              <dd>{d.attemptCount}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{formatTime(d.createdAt)}</dd>
            </div>
            {d.status === 'pending' && d.nextAttemptAt ? (
              <div>
                <dt>Next attempt</dt>
                <dd>{formatTime(d.nextAttemptAt)}</dd>
              </div>
            ) : null}
            {d.eventIds?.length ? (
              <div>
                <dt>Events</dt>
                <dd>{d.eventIds.length === 1 ? <code>{d.eventIds[0]}</code> : `${d.eventIds.length} events`}</dd>
              </div>
            ) : null}
          </dl>
          {me.member.role === 'admin' ? (
            <div class="actions">
              <button
                type="button"
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  setError(null);
                  setNotice(null);
                  try {
                    await api.redeliver(id);
                    setNotice('Redelivered: a new attempt was made.');
                    delivery.reload();
                  } catch (err) {
                    setError(err instanceof Error ? err : new Error(String(err)));
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                {busy ? 'Redelivering…' : 'Redeliver'}
              </button>
            </div>
          ) : null}
          <div aria-live="polite">
            {notice ? (
              <p class="notice" role="status">
                {notice}
              </p>
            ) : null}
            {error ? <ErrorMessage error={error} /> : null}
          </div>
          <h2>Attempts</h2>
          {attempts.length === 0 ? <EmptyState title="No attempts yet">The first attempt is on its way.</EmptyState> : null}
          {attempts.map((a, i) => (
            <AttemptView key={a.id ?? i} attempt={a} title={`Attempt ${a.attemptNo ?? attempts.length - i}`} open={i === 0} />
          ))}
          {d.payload ? (
            <details>
              <summary>Payload</summary>
              <CodeBlock label="Delivery payload" body={d.payload} />
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
