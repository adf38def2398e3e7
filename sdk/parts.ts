import type { WebhookFormatName, WebhookPart } from './types.js';

// Reading where a part belongs, in any format, so a receiver can collect an event's parts until it has them all.

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The part position of a parsed body (`data.part` in standard and datasaur, `part` in label-studio and camelCased
 * here), or null for a whole event and for labelator's own bodies, which carry none.
 */
export function webhookPart(format: WebhookFormatName, body: unknown): WebhookPart | null {
  if (!isObject(body)) return null;
  if (format === 'label-studio') {
    const p = body.part;
    return isObject(p) ? { eventId: String(p.event_id), index: Number(p.index), count: Number(p.count) } : null;
  }
  const data = body.data;
  const p = isObject(data) ? data.part : undefined;
  return isObject(p) ? { eventId: String(p.eventId), index: Number(p.index), count: Number(p.count) } : null;
}
