// The event model is defined once, in the receiver SDK (which must stay free of server code); the server uses it.
import { EVENT_TYPES, type EventType } from '../../sdk/event-types.js';

export { EVENT_TYPES, type EventType };

/** True when `t` is a known event type. */
export function isEventType(t: string): t is EventType {
  return (EVENT_TYPES as readonly string[]).includes(t);
}
