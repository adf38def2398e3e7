import { useState } from 'preact/hooks';
import { useSession } from '../api/context.ts';
import type { Delivery, Page } from '../api/types.ts';
import { useAsync, useInterval } from '../hooks/use-async.ts';
import { DeliveryFilters, type DeliveryFilterValues } from './DeliveryFilters.tsx';
import { DeliveryTable } from './DeliveryTable.tsx';
import { EmptyState } from './EmptyState.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Loading } from './Loading.tsx';

const PAGE = 50;

/** A live delivery log (refreshes every few seconds) for one webhook or, without `webhookId`, the whole team. */
export function DeliveryLog({ webhookId, initial, webhookUrl }: { webhookId?: string; initial?: Partial<DeliveryFilterValues>; webhookUrl?: (id: string) => string }) {
  const { api } = useSession();
  const [filters, setFilters] = useState<DeliveryFilterValues>({ status: '', eventType: '', since: '', ...initial });
  const [more, setMore] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<Error | null>(null);

  const query = (c?: string) => ({
    status: filters.status,
    eventType: filters.eventType,
    since: filters.since ? new Date(filters.since).toISOString() : undefined,
    limit: PAGE,
    cursor: c,
  });
  const load = (c?: string): Promise<Page<Delivery>> => (webhookId ? api.listWebhookDeliveries(webhookId, query(c)) : api.listDeliveries(query(c)));
  const first = useAsync(() => {
    setMore([]);
    setCursor(null);
    return load();
  }, [api, webhookId, filters.status, filters.eventType, filters.since]);
  // New deliveries appear without a reload; only the first page refreshes, so "load more" rows stay put.
  useInterval(() => {
    if (!first.loading && more.length === 0) first.reload();
  }, 3000);

  const rows = [...(first.data?.data ?? []), ...more];
  const next = more.length ? cursor : (first.data?.nextCursor ?? null);
  return (
    <div class="delivery-log">
      <DeliveryFilters value={filters} onChange={setFilters} />
      {first.error ? <ErrorMessage error={first.error} onRetry={first.reload} /> : null}
      {first.loading && !first.data ? <Loading label="Loading deliveries" /> : null}
      {first.data && rows.length === 0 ? (
        <EmptyState title={filters.status || filters.eventType || filters.since ? 'No deliveries match these filters' : 'No deliveries yet'}>
          {webhookId ? 'Deliveries appear here as events happen. Send a test event to see one now.' : 'Deliveries appear here as soon as events reach a webhook.'}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? <DeliveryTable deliveries={rows} showWebhook={!webhookId} webhookUrl={webhookUrl} /> : null}
      {moreError ? <ErrorMessage error={moreError} /> : null}
      {next ? (
        <button
          type="button"
          class="secondary"
          onClick={async () => {
            setMoreError(null);
            try {
              const page = await load(next);
              setMore([...more, ...page.data]);
              setCursor(page.nextCursor);
            } catch (err) {
              setMoreError(err instanceof Error ? err : new Error(String(err)));
            }
          }}
        >
          Load more
        </button>
      ) : null}
    </div>
  );
}
