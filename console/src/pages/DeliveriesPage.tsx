import { useSession } from '../api/context.ts';
import { DeliveryCharts } from '../components/DeliveryCharts.tsx';
import { DeliveryLog } from '../components/DeliveryLog.tsx';
import { useAsync } from '../hooks/use-async.ts';

/** The team's delivery log across every webhook, with team-wide charts. */
export function DeliveriesPage({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const webhooks = useAsync(() => api.listWebhooks({ limit: 1000 }).catch(() => ({ data: [], nextCursor: null })), [api]);
  const urlOf = (id: string) => webhooks.data?.data.find((w) => w.id === id)?.url ?? id;
  return (
    <section>
      <h1>Deliveries</h1>
      <DeliveryCharts />
      <h2>Delivery log</h2>
      <DeliveryLog initial={{ status: query.get('status') ?? '', eventType: query.get('eventType') ?? '' }} webhookUrl={urlOf} />
    </section>
  );
}
