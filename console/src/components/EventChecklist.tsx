import { EVENT_GROUPS } from '../event-catalog.ts';

/** The events a webhook subscribes to: "all events" or a checklist grouped by the platform each name comes from. */
export function EventChecklist({ value, onChange }: { value: string[]; onChange: (events: string[]) => void }) {
  const all = value.includes('*');
  const toggle = (type: string, on: boolean) => {
    const set = new Set(value.filter((v) => v !== '*'));
    if (on) set.add(type);
    else set.delete(type);
    onChange([...set]);
  };
  return (
    <fieldset class="events-fieldset">
      <legend>Events</legend>
      <label class="check">
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.currentTarget.checked ? ['*'] : [])} />
        All events, including ones added in later versions
      </label>
      <div class="event-groups" aria-disabled={all}>
        {EVENT_GROUPS.map((g) => (
          <fieldset key={g.platform} class="event-group" disabled={all}>
            <legend>{g.platform}</legend>
            {g.events.map((e) => (
              <label key={e.type} class="check">
                <input type="checkbox" name="events" value={e.type} checked={all || value.includes(e.type)} onChange={(ev) => toggle(e.type, ev.currentTarget.checked)} />
                <code>{e.type}</code>
                {e.alsoIn.length ? <span class="dim small"> also {e.alsoIn.join(', ')}</span> : null}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}
