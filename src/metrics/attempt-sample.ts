import type { AttemptVerdict, DeliveryOutcome } from '../webhooks/delivery/outcome.js';
import type { AttemptSample, GateDecision } from './metrics.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The creation time encoded in an id from src/ids.ts (`evt_` + 10 base-32 time characters + random), or null. */
export function timeOfId(id: string): number | null {
  const body = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  if (body.length !== 10) return null;
  let t = 0;
  for (const ch of body) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    t = t * 32 + v;
  }
  return t;
}

/** What the metrics need of a finished attempt: its delivery's counters, the attempt and the webhook's format. */
export interface AttemptFacts {
  format: string;
  delivery: { attempt_count: number; event_ids: string };
  sent: { at: number; durationMs: number; outcome: DeliveryOutcome };
  /** The state the attempt left its delivery in (decideAttempt in src/webhooks/delivery/outcome.ts). */
  final: AttemptVerdict['final'];
}

function firstEventTime(eventIds: string): number | null {
  try {
    const ids: unknown = JSON.parse(eventIds);
    return Array.isArray(ids) && typeof ids[0] === 'string' ? timeOfId(ids[0]) : null;
  } catch {
    return null;
  }
}

/** Turns a finished attempt into a metrics sample. */
export function attemptSample(f: AttemptFacts): AttemptSample {
  const eventAt = f.delivery.attempt_count === 0 ? firstEventTime(f.delivery.event_ids) : null;
  return {
    format: f.format,
    outcome: f.sent.outcome.kind,
    durationMs: f.sent.durationMs,
    final: f.final,
    sinceEventMs: eventAt === null ? null : f.sent.at - eventAt,
  };
}

/** A blocking webhook's answer as a gate-decision label: an unavailable webhook counts by what its failMode did. */
export function gateDecision(answer: 'allow' | 'reject' | 'unavailable', failMode: 'open' | 'closed'): GateDecision {
  if (answer === 'unavailable') return failMode === 'open' ? 'unavailable_open' : 'unavailable_closed';
  return answer;
}
