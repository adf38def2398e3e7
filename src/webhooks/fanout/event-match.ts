/** What decides whether a webhook receives an event: its scope, its event filter, blocking, and when it was created. */
export interface MatchableWebhook {
  projectId: string | null;
  /** Event types, or `["*"]`. */
  events: readonly string[];
  blocking: boolean;
  createdAt: number;
  /** The webhook's dialect (a format name or the format itself); some dialects leave events out. */
  format?: string | { name: string };
}

/** The facts of an event that matching looks at. */
export interface MatchableEvent {
  type: string;
  projectId: string | null;
  createdAt: number;
}

// Label Studio sends these to organization webhooks only: a project webhook never learns of them there.
const ORGANIZATION_ONLY_IN_LABEL_STUDIO: ReadonlySet<string> = new Set(['PROJECT_CREATED', 'PROJECT_DELETED']);

/** True when the webhook's dialect never carries this event type for the webhook's scope. */
export function dialectOmits(webhook: Pick<MatchableWebhook, 'projectId' | 'format'>, type: string): boolean {
  const format = typeof webhook.format === 'string' ? webhook.format : webhook.format?.name;
  return format === 'label-studio' && webhook.projectId !== null && ORGANIZATION_ONLY_IN_LABEL_STUDIO.has(type);
}

/** True when the webhook's scope covers the event: team-wide, or the event's project. */
export function inScope(webhook: Pick<MatchableWebhook, 'projectId'>, projectId: string | null): boolean {
  return webhook.projectId === null || webhook.projectId === projectId;
}

/** True when the webhook's filter names the type (or is `["*"]`). */
export function subscribes(webhook: Pick<MatchableWebhook, 'events'>, type: string): boolean {
  return webhook.events.includes('*') || webhook.events.includes(type);
}

/**
 * True when the dispatcher must queue the event for the webhook. A webhook receives the events that committed
 * after it was created; PING is only ever sent on request; a blocking webhook already saw BEFORE_UPDATE_LABELS
 * synchronously through the gate, so it does not get it a second time through the queue; a project-scoped
 * label-studio webhook does not get the organization-only PROJECT_CREATED / PROJECT_DELETED.
 */
export function webhookWantsEvent(webhook: MatchableWebhook, event: MatchableEvent): boolean {
  if (event.type === 'PING') return false;
  if (webhook.blocking && event.type === 'BEFORE_UPDATE_LABELS') return false;
  if (event.createdAt < webhook.createdAt) return false;
  if (dialectOmits(webhook, event.type)) return false;
  return inScope(webhook, event.projectId) && subscribes(webhook, event.type);
}

/** True when the label gate must call the webhook before a label update on `projectId` commits. */
export function gateWantsEvent(webhook: Omit<MatchableWebhook, 'format'>, projectId: string | null): boolean {
  return webhook.blocking && inScope(webhook, projectId) && subscribes(webhook, 'BEFORE_UPDATE_LABELS');
}
