import type { Delivery } from '../api/types.ts';
import { formatTime } from '../format.ts';
import { href } from '../router.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** Deliveries as rows linking to their detail page. */
export function DeliveryTable({ deliveries, showWebhook, webhookUrl }: { deliveries: Delivery[]; showWebhook: boolean; webhookUrl?: (id: string) => string }) {
  return (
    <div class="table-wrap">
      <table class="list deliveries">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">Attempts</th>
            <th scope="col" class="hide-narrow">Last answer</th>
            {showWebhook ? (
              <th scope="col" class="hide-narrow">
                Webhook
              </th>
            ) : null}
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} data-delivery-id={d.id} data-status={d.status}>
              <td>
                <a href={href(`/deliveries/${d.id}`)}>
                  <code>{d.eventType}</code>
                </a>
                {d.itemCount && d.itemCount > 1 ? <span class="dim small"> ×{d.itemCount}</span> : null}
              </td>
              <td>
                <StatusBadge status={d.status} />
              </td>
              <td class="num">{d.attemptCount}</td>
              <td class="hide-narrow">{d.lastStatus ? `HTTP ${d.lastStatus}` : d.lastError ? <span class="dim">{d.lastError}</span> : '—'}</td>
              {showWebhook ? (
                <td class="hide-narrow url-cell">
                  <a href={href(`/webhooks/${d.webhookId}`)}>{webhookUrl?.(d.webhookId) ?? d.webhookId}</a>
                </td>
              ) : null}
              <td>{formatTime(d.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
