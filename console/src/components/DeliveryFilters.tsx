import { useId } from 'preact/hooks';
import { EVENT_TYPES } from '../event-catalog.ts';

export interface DeliveryFilterValues {
  status: string;
  eventType: string;
  /** datetime-local value, '' for no bound. */
  since: string;
}

const STATUSES = ['pending', 'delivering', 'succeeded', 'failed', 'cancelled'];

/** Status, event type and time filters of a delivery log. */
export function DeliveryFilters({ value, onChange }: { value: DeliveryFilterValues; onChange: (v: DeliveryFilterValues) => void }) {
  const id = useId();
  return (
    <form class="filters" role="search" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={value.status} onChange={(e) => onChange({ ...value, status: e.currentTarget.value })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-type`}>Event type</label>
        <select id={`${id}-type`} value={value.eventType} onChange={(e) => onChange({ ...value, eventType: e.currentTarget.value })}>
          <option value="">Any event</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${id}-since`}>Since</label>
        <input id={`${id}-since`} type="datetime-local" value={value.since} onInput={(e) => onChange({ ...value, since: e.currentTarget.value })} />
      </div>
      {value.status || value.eventType || value.since ? (
        <button type="button" class="secondary" onClick={() => onChange({ status: '', eventType: '', since: '' })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
